import type binaryenModule from 'binaryen';

type ExpressionRef = number;
type FunctionRef = number;
type Type = number;

/**
 * binaryen.js as the rewriter uses it: the package's types plus the expression and function
 * accessors its `index.d.ts` leaves out (they are in its `index.js`).
 */
export type Binaryen = typeof binaryenModule & {
  Function: {
    getBody(func: FunctionRef): ExpressionRef;
    setBody(func: FunctionRef, body: ExpressionRef): void;
    getResults(func: FunctionRef): Type;
  };
  Return: { getValue(expression: ExpressionRef): ExpressionRef };
  MemoryGrow: { getDelta(expression: ExpressionRef): ExpressionRef; setDelta(expression: ExpressionRef, delta: ExpressionRef): void };
  Call: {
    getNumOperands(expression: ExpressionRef): number;
    getOperandAt(expression: ExpressionRef, index: number): ExpressionRef;
    setOperandAt(expression: ExpressionRef, index: number, operand: ExpressionRef): void;
  };
  CallIndirect: { getTarget(expression: ExpressionRef): ExpressionRef; setTarget(expression: ExpressionRef, target: ExpressionRef): void };
  CallRef: { getTarget(expression: ExpressionRef): ExpressionRef; setTarget(expression: ExpressionRef, target: ExpressionRef): void };
  Try: { isDelegate(expression: ExpressionRef): boolean; getDelegateTarget(expression: ExpressionRef): string | null; setDelegateTarget(expression: ExpressionRef, target: string): void };
  _BinaryenTryTableId(): number;
  _BinaryenThrowRefId(): number;
  /** Adds a local to a function; returns its index. */
  _BinaryenFunctionAddVar(func: FunctionRef, type: Type): number;
};

export type BinaryenModule = binaryenModule.Module;

let loading: Promise<Binaryen> | undefined;

/** binaryen.js (13 MB of JS, about 1 s to load): loaded on the first rewrite only. */
export function loadBinaryen(): Promise<Binaryen> {
  loading ??= import('binaryen').then((loaded) => loaded.default as Binaryen);
  return loading;
}
