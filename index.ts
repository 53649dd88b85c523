/**
 * hsmoe: a modelling language for Bayesian mixtures of experts, a compiler to
 * particle-learning kernels, and the runtime that runs them.
 *
 * @packageDocumentation
 */
export {};
