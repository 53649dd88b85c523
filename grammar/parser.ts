/**
 * The `.moe` grammar as a chevrotain CST parser, with no semantic actions: the CST is turned
 * into the AST by compiler/1-parse. Rules are class properties so that a reference to a
 * missing sub-rule is a type error. With recovery on, one run reports several errors; without
 * it the parser stops at the first, which is quicker when there are none (see grammar/index.ts).
 *
 * Statements need no separator: no expression can be followed by an identifier, so the
 * start of the next statement is always recognisable. A `;` is accepted and ignored.
 */
import { CstParser, type CstNode, type IOrAlt } from "chevrotain";
import { errorMessageProvider } from "./errors.js";
import * as T from "./tokens.js";

/** The untyped parts of chevrotain's tree builder that {@link MoeParser} overrides. */
interface TreeBuilderInternals {
  CST_STACK: CstNode[];
  setInitialNodeLocation(node: CstNode): void;
}

export class MoeParser extends CstParser {
  /** `recovery`: after a syntax error, record it and carry on parsing to find more. */
  constructor(recovery: boolean) {
    // No node locations: compiler/1-parse takes spans from tokens, and a location costs an
    // object and two boxed numbers for every CST node.
    super(T.allTokens, { recoveryEnabled: recovery, maxLookahead: 3, nodeLocationTracking: "none", errorMessageProvider });
    this.performSelfAnalysis();
  }

  /**
   * Starts the CST node of a rule, as chevrotain's own method does, but with `children` a plain
   * object rather than `Object.create(null)`: V8 keeps null-prototype objects in dictionary
   * mode, which made each node several times larger and every `children.x` read a hash
   * lookup; parsing and CST → AST took about a third longer. No rule or token is named like an
   * `Object.prototype` member, so the inherited keys cannot be mistaken for children.
   */
  cstInvocationStateUpdate(fullRuleName: string): void {
    const self = this as unknown as TreeBuilderInternals;
    const node: CstNode = { name: fullRuleName, children: {} };
    self.setInitialNodeLocation(node);
    self.CST_STACK.push(node);
  }

  // The expression rules run for most tokens, so their alternatives and repetition bodies are
  // built once here rather than as fresh closures on every call (chevrotain's own advice).
  private readonly statementAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.dataDecl) },
    { ALT: () => this.SUBRULE(this.paramDecl) },
    { ALT: () => this.SUBRULE(this.relation) },
  ];
  // One label for every binary operator keeps them in source order in the CST, so the AST
  // builder need not merge and sort five token lists to find the order they came in.
  private readonly binaryOperators: IOrAlt<unknown>[] = [T.Plus, T.Minus, T.Star, T.Slash, T.Caret].map((t) => ({
    ALT: () => this.CONSUME(t, { LABEL: "operator" }),
  }));
  private readonly operatorThenOperand = () => {
    this.OR(this.binaryOperators);
    this.SUBRULE2(this.operand);
  };
  private readonly minusSign = () => this.CONSUME(T.Minus);
  private readonly indexSuffixes = () => this.SUBRULE(this.indexSuffix);
  private readonly expressionList = { SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) };
  private readonly callArguments = () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP(this.expressionList);
    this.CONSUME(T.RParen);
  };
  private readonly atomAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.NumberLiteral) },
    {
      ALT: () => {
        this.CONSUME(T.Identifier);
        this.OPTION(this.callArguments);
      },
    },
    {
      ALT: () => {
        this.CONSUME2(T.LParen);
        this.SUBRULE2(this.expression);
        this.CONSUME2(T.RParen);
      },
    },
  ];

  program = this.RULE("program", () => {
    this.SUBRULE(this.modelDecl);
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.hyperParam) });
    this.CONSUME(T.RParen);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RCurly);
  });

  hyperParam = this.RULE("hyperParam", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.OR([{ ALT: () => this.SUBRULE(this.arrayLiteral) }, { ALT: () => this.SUBRULE(this.expression) }]);
    });
  });

  /** `[1, 1, 2]`: the value of an array hyperparameter. */
  arrayLiteral = this.RULE("arrayLiteral", () => {
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  typeExpr = this.RULE("typeExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Int);
          this.OPTION(() => {
            this.CONSUME3(T.LBracket);
            this.SUBRULE4(this.expression);
            this.CONSUME3(T.RBracket);
          });
        },
      },
      { ALT: () => this.CONSUME(T.Real) },
      {
        ALT: () => {
          this.CONSUME(T.Vector);
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Matrix);
          this.CONSUME2(T.LBracket);
          this.SUBRULE2(this.expression);
          this.CONSUME(T.Comma);
          this.SUBRULE3(this.expression);
          this.CONSUME2(T.RBracket);
        },
      },
    ]);
  });

  statement = this.RULE("statement", () => {
    this.OR(this.statementAlternatives);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  dataDecl = this.RULE("dataDecl", () => {
    this.CONSUME(T.Data);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.binderList));
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  /** `name[binders] ~ dist(args)` (stochastic) or `name[binders] = expr` (deterministic). */
  relation = this.RULE("relation", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.binderList));
    this.OR([{ ALT: () => this.CONSUME(T.Tilde) }, { ALT: () => this.CONSUME(T.Equals) }]);
    this.SUBRULE(this.expression);
  });

  binderList = this.RULE("binderList", () => {
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.binder) });
    this.CONSUME(T.RBracket);
  });

  /** `k in 1..K` binds an index; a bare `k` parses so the checker can say it is unbound. */
  binder = this.RULE("binder", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.In);
      this.SUBRULE(this.expression);
      this.CONSUME(T.Range);
      this.SUBRULE2(this.expression);
    });
  });

  /**
   * A flat chain `operand (op operand)*`: precedence and associativity are resolved when the
   * AST is built (compiler/1-parse), which keeps the CST shallow and the parser fast.
   */
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.operand);
    this.MANY(this.operatorThenOperand);
  });

  /** Prefix minus signs, an atom, and index suffixes: `-beta[k][j]`. */
  operand = this.RULE("operand", () => {
    this.MANY(this.minusSign);
    this.SUBRULE(this.atom);
    this.MANY2(this.indexSuffixes);
  });

  indexSuffix = this.RULE("indexSuffix", () => {
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP(this.expressionList);
    this.CONSUME(T.RBracket);
  });

  /** A number, a name, a call `f(a, b)`, or a parenthesised expression. */
  atom = this.RULE("atom", () => {
    this.OR(this.atomAlternatives);
  });
}

/**
 * One shared instance, without recovery: chevrotain parsers are reusable, and building one
 * costs a grammar analysis.
 */
export const parser = new MoeParser(false);
