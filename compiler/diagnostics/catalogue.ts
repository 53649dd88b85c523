/**
 * The catalogue of diagnostics: every code the compiler can report, its severity, its message
 * template and (where one helps) a hint template. `{name}` placeholders are filled by
 * {@link diagnose}. Codes are stable: tests, `--json` consumers and the language reference
 * depend on them. Add a code here, never inline a message at the point of use.
 */
/** How serious a diagnostic is: errors stop compilation, warnings and notes do not. */
export type Severity = "error" | "warning" | "note";

/** One catalogue entry. */
export interface CatalogueEntry {
  /** The compiler stage that reports it. */
  stage: "parse" | "check" | "analyze";
  /** Whether it stops compilation. */
  severity: Severity;
  /** Message template with `{placeholders}`. */
  message: string;
  /** Hint template; shown only when every placeholder it names is known. */
  hint?: string;
  /** One sentence for the language reference: when this is reported. */
  explanation: string;
}

const entries = {
  unexpected_character: {
    stage: "parse",
    severity: "error",
    message: "unexpected character {char}",
    hint: "names use ASCII letters, digits and `_`; comments start with `//` or `/*`",
    explanation: "The lexer met a character that starts no token.",
  },
  hash_comment: {
    stage: "parse",
    severity: "error",
    message: "`#` does not start a comment in this language",
    hint: "write line comments with `//` and block comments with `/* … */`",
    explanation: "A `#` appears, as in a comment of R, Python or BUGS; the rest of its line is skipped.",
  },
  unterminated_comment: {
    stage: "parse",
    severity: "error",
    message: "this block comment is never closed",
    hint: "close it with `*/`",
    explanation: "A `/*` comment runs to the end of the file.",
  },
  syntax_error: {
    stage: "parse",
    severity: "error",
    message: "expected {expected} {context}, but found {found}",
    explanation: "The tokens do not fit the grammar at this point.",
  },
  trailing_input: {
    stage: "parse",
    severity: "error",
    message: "unexpected {found} after the end of the model",
    hint: "a file holds one model; everything after its closing `}` must be a comment",
    explanation: "Something follows the model's closing brace.",
  },
  too_deep: {
    stage: "parse",
    severity: "error",
    message: "the model nests more than {limit} levels deep here",
    hint: "define parts of the expression as values of their own with `=`",
    explanation: "Brackets, prefix minus signs, chains of powers or index suffixes nest deeper than the compiler's limit, which keeps every stage within the stack.",
  },
  unknown_name: {
    stage: "check",
    severity: "error",
    message: "`{name}` is not declared anywhere in this model",
    hint: "did you mean `{suggestion}`?",
    explanation: "A name is used that no hyperparameter, data, parameter or index declares.",
  },
  undeclared_variable: {
    stage: "check",
    severity: "error",
    message: "`{name}` has no declaration here: it is an index bound only in another statement",
    hint: "bind it in this statement, e.g. `[{name} in 1..N]`, or use an index bound here",
    explanation: "An index variable is used outside the statement whose `[k in a..b]` binds it.",
  },
  unknown_function: {
    stage: "check",
    severity: "error",
    message: "unknown function `{name}`",
    hint: "did you mean `{suggestion}`?",
    explanation: "A call names no built-in function.",
  },
  unknown_distribution: {
    stage: "check",
    severity: "error",
    message: "unknown distribution `{name}`",
    hint: "did you mean `{suggestion}`?",
    explanation: "The right side of `~` names no built-in distribution.",
  },
  duplicate_declaration: {
    stage: "check",
    severity: "error",
    message: "`{name}` is declared more than once",
    hint: "rename one of them, or remove the repeated declaration",
    explanation: "Two declarations (hyperparameter, data, param, `~` or `=`, index) bind the same name in one scope.",
  },
  reserved_name: {
    stage: "check",
    severity: "error",
    message: "`{name}` is a reserved {what} and cannot be declared",
    hint: "choose another name",
    explanation: "A declaration uses a name the language reserves (`for`, `if`, `true`, `inf`, `pi`, …).",
  },
  argument_count: {
    stage: "check",
    severity: "error",
    message: "`{name}` takes {expected}, but {found} given",
    hint: "{signature}",
    explanation: "A function or distribution is called with the wrong number of arguments.",
  },
  argument_kind: {
    stage: "check",
    severity: "error",
    message: "{detail}",
    hint: "{fix}",
    explanation: "An argument or operand is the wrong kind of thing: a distribution used as a value, a real where an integer index is needed, a function where a distribution is needed.",
  },
  shape_mismatch: {
    stage: "check",
    severity: "error",
    message: "{detail}",
    hint: "{fix}",
    explanation: "Shapes do not fit: a vector where a scalar is needed, vectors of different lengths, a matrix product whose inner sizes differ.",
  },
  index_count: {
    stage: "check",
    severity: "error",
    message: "`{name}` takes {expected} index(es), but {found} given",
    explanation: "A variable is indexed with more indices than it has dimensions.",
  },
  index_out_of_range: {
    stage: "check",
    severity: "error",
    message: "index {position} of `{name}` can be {value}, outside its declared range {range}",
    hint: "{fix}",
    explanation: "An index can take a value outside the range the indexed variable was declared over (checked where the bounds are known statically).",
  },
  unbound_index: {
    stage: "check",
    severity: "error",
    message: "index `{name}` is not bound to a range",
    hint: "write `{name} in 1..N` to give it a range",
    explanation: "An index on the left of `~` or `=` has no `in a..b` range.",
  },
  empty_range: {
    stage: "check",
    severity: "error",
    message: "the range {range} runs backwards: from {lo} to {hi}",
    hint: "{fix}",
    explanation:
      "An index range ends more than one below where it starts for the hyperparameter values in force. A range that ends just below its start (`1..0`, or `1..K-1` at K = 1) is an empty family and is allowed.",
  },
  invalid_dimension: {
    stage: "check",
    severity: "error",
    message: "{detail}",
    hint: "sizes and ranges are integer expressions of integer hyperparameters, data sizes and literals",
    explanation: "A size or range bound is not an integer expression known before the data are read.",
  },
  cycle: {
    stage: "check",
    severity: "error",
    message: "`{name}` depends on itself: {path}",
    hint: "a model is a directed acyclic graph; break the loop",
    explanation: "Following the dependencies of the model graph leads back to where it started.",
  },
  data_given_prior: {
    stage: "check",
    severity: "error",
    message: "`{name}` is data used as an input, so it cannot be given a distribution",
    hint: "inputs are conditioned on, not modelled: remove this statement, or declare `{name}` as a parameter instead of data",
    explanation: "A `data` variable that feeds other statements (a covariate) also appears on the left of `~`.",
  },
  parameter_without_prior: {
    stage: "check",
    severity: "error",
    message: "parameter `{name}` has no prior",
    hint: "give it one, e.g. `{example}`",
    explanation: "A `param` declaration has no `~` or `=` statement defining it.",
  },
  hyper_type: {
    stage: "check",
    severity: "error",
    message: "`{name}` is declared `{type}`, but its value is {value}",
    hint: "{fix}",
    explanation: "A hyperparameter's default (or `--set` value) does not have its declared type.",
  },
  unknown_hyperparameter: {
    stage: "check",
    severity: "error",
    message: "`{name}` is not a hyperparameter of model `{model}`",
    hint: "its hyperparameters are: {known}",
    explanation: "A value is given (with `--set` or the API) for a name the model header does not declare.",
  },
  hyper_not_scalar: {
    stage: "check",
    severity: "error",
    message: "hyperparameter `{name}` must be `int`, `real`, `int[n]` or `vector[n]`",
    hint: "declare matrices in the model body, as data or parameters",
    explanation: "A model argument is declared with a matrix type.",
  },
  integer_array_type: {
    stage: "check",
    severity: "error",
    message: "`int[…]` is an integer array, which only a hyperparameter can be",
    hint: "declare it in the model's header, e.g. `model m(group: int[D] = [1, 1, 2])`, or use `vector[…]` here",
    explanation: "A data or parameter declaration has an integer-array type; integer arrays (such as group labels) are constants given in the header.",
  },
  hyper_not_constant: {
    stage: "check",
    severity: "error",
    message: "the default of `{name}` must be a constant: {detail}",
    hint: "a default may use literals and the hyperparameters declared before it",
    explanation: "A hyperparameter default refers to data, parameters or later hyperparameters.",
  },
  support_violation: {
    stage: "check",
    severity: "error",
    message: "the {param} of `{dist}` must be {support}, but it is {value}",
    hint: "{fix}",
    explanation: "A constant argument lies outside the support of a distribution's parameter (e.g. `halfcauchy(-1)`).",
  },
  no_observation: {
    stage: "check",
    severity: "warning",
    message: "the model observes nothing: no `data` variable appears on the left of `~`",
    hint: "add a likelihood, e.g. `y ~ normal(dot(beta, x), sigma)`",
    explanation: "Without an observed variable the posterior equals the prior.",
  },
  expert_not_conjugate: {
    stage: "analyze",
    severity: "error",
    message: "no expert rule covers the likelihood: {reason}",
    hint: "{fix}",
    explanation: "The observed response's likelihood and the experts' priors do not match a conjugate expert rule (Normal-inverse-gamma linear, or Normal with known variance).",
  },
  gate_not_augmentable: {
    stage: "analyze",
    severity: "error",
    message: "no gate rule covers the allocation: {reason}",
    hint: "{fix}",
    explanation: "The allocation's distribution is not a stick-breaking logistic gate linear in its coefficients (the form Pólya-Gamma augmentation makes Gaussian), nor constant.",
  },
  gate_prior_not_conjugate: {
    stage: "analyze",
    severity: "error",
    message: "no prior rule covers the gate coefficients: {reason}",
    hint: "{fix}",
    explanation: "The gate coefficients' prior is neither a horseshoe (per coefficient or grouped) nor a Normal with a fixed scale.",
  },
  invalid_prior_constant: {
    stage: "analyze",
    severity: "error",
    message: "{what} must be {constraint}, but it is {value}",
    hint: "{fix}",
    explanation: "A constant a rule passes to the runtime (a prior covariance scale, shape, scale or sd, or a precision derived from them) is outside the values the update needs, typically because of a hyperparameter's value.",
  },
  sd_named_like_variance: {
    stage: "analyze",
    severity: "warning",
    message: "`normal` takes a standard deviation, but its sd `{name}` is named like a variance",
    hint: "if `{name}` is a variance, write `sqrt({expr})`; if it is a standard deviation, a name such as `sigma` says so",
    explanation: "A constant passed as the sd of a Gaussian likelihood has a variance's name (`sigma2`, `var`, …); taken as an sd it makes the noise variance its square.",
  },
  unused_parameter: {
    stage: "analyze",
    severity: "error",
    message: "`{name}` is not used by the likelihood, the gate or their priors, so nothing in the data informs it",
    hint: "remove it, or use it in the model",
    explanation: "A parameter is declared that no rule of the model accounts for.",
  },
  unsupported_model: {
    stage: "analyze",
    severity: "error",
    message: "{detail}",
    hint: "{fix}",
    explanation: "The model's overall structure is not a mixture of experts hsmoe can fit: one observed response, at most one allocation, one input vector.",
  },
  too_large: {
    stage: "analyze",
    severity: "error",
    message: "{detail}",
    hint: "{fix}",
    explanation: "A size (the number of experts) is beyond what the runtime can hold.",
  },
} as const satisfies Record<string, CatalogueEntry>;

/** A diagnostic code: a key of the {@link catalogue}. */
export type DiagnosticCode = keyof typeof entries;

/** Every diagnostic, by code. */
export const catalogue: Readonly<Record<DiagnosticCode, CatalogueEntry>> = entries;

/** Every code, in catalogue order. */
export const diagnosticCodes = Object.keys(catalogue) as DiagnosticCode[];

/** Where in the grammar a syntax error happened, in words, by grammar rule name. */
export const ruleContexts: Readonly<Record<string, string>> = {
  program: "at the start of the file",
  modelDecl: "in the model header",
  hyperParam: "in a model argument",
  typeExpr: "in a type",
  statement: "at the start of a statement",
  dataDecl: "in a data declaration",
  paramDecl: "in a param declaration",
  relation: "in a statement",
  binderList: "in an index list",
  binder: "in an index binding",
  indexSuffix: "in an index",
  operand: "in an expression",
  atom: "in an expression",
};

/** How a token kind is named in messages, by chevrotain token name. */
export const tokenDescriptions: Readonly<Record<string, string>> = {
  Identifier: "a name",
  NumberLiteral: "a number",
  EOF: "the end of the file",
  LParen: "`(`",
  RParen: "`)`",
  LCurly: "`{`",
  RCurly: "`}`",
  LBracket: "`[`",
  RBracket: "`]`",
  Comma: "`,`",
  Semicolon: "`;`",
  Colon: "`:`",
  Tilde: "`~`",
  Equals: "`=`",
  Range: "`..`",
  Plus: "`+`",
  Minus: "`-`",
  Star: "`*`",
  Slash: "`/`",
  Caret: "`^`",
};
