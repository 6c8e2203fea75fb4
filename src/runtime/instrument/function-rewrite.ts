import type { Binaryen, BinaryenModule as Module } from './binaryen-api.js';
import type { ExpressionChildren, Slot } from './expression-children.js';

type ExpressionRef = number;
type FunctionRef = number;

/** Internal names of what the rewrite adds to a module. */
export interface HookNames {
  enter: string;
  exit: string;
  memoryGrow: string;
  /** The exported mutable i32 global: hooks are called only while it is not 0. */
  enabled: string;
}

/** What one walk of a function body found. */
export interface BodyScan {
  /** Expressions in the body. */
  instructions: number;
  /** It calls something (call, call_indirect, call_ref). */
  calls: boolean;
  /** It uses wasm exceptions (try, throw, rethrow, try_table, throw_ref). */
  exceptions: boolean;
  /** An expression kind the walker cannot look inside may leave the function (a return in it would skip the exit hook). */
  unknownBranching: string | undefined;
  returns: { expression: ExpressionRef; slot: Slot }[];
  tailCalls: { expression: ExpressionRef; slot: Slot }[];
  memoryGrows: { expression: ExpressionRef; slot: Slot }[];
  /** `try ... delegate` expressions (one aimed at the caller must now aim at the wrapper's catch). */
  delegates: ExpressionRef[];
  /**
   * A `pop` (a caught exception's values) is the operand a hook would have to move: the function
   * is left as it is (the pop must stay first in its catch).
   */
  popOperand: boolean;
}

/**
 * Walks a function body (children before parents, so a replaced expression's own children were
 * rewritten first) and collects the exits (return, return_call*) and memory.grow sites.
 */
export function scanBody(binaryen: Binaryen, children: ExpressionChildren, body: Slot): BodyScan {
  const scan: BodyScan = { instructions: 0, calls: false, exceptions: false, unknownBranching: undefined, returns: [], tailCalls: [], memoryGrows: [], delegates: [], popOperand: false };
  const { ReturnId, CallId, CallIndirectId, CallRefId, MemoryGrowId, TryId, PopId } = binaryen;
  // binaryen.js exports no TryTableId / ThrowRefId constants; its C API has them.
  const exceptionIds = new Set([TryId, binaryen.ThrowId, binaryen.RethrowId, binaryen._BinaryenTryTableId(), binaryen._BinaryenThrowRefId()]);
  const isPop = (expression: ExpressionRef): boolean => expression !== 0 && binaryen.getExpressionId(expression) === PopId;
  // Explicit stack (bodies nest deeply); an entry is visited after its children.
  const stack: { slot: Slot; expression: ExpressionRef; done: boolean }[] = [{ slot: body, expression: body.get(), done: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (!top.done) {
      top.done = true;
      const slots = children.slotsOf(top.expression);
      if (slots === undefined) {
        if (scan.unknownBranching === undefined && (binaryen.getSideEffects(top.expression, binaryen.Features.All) & binaryen.SideEffects.Branches) !== 0) {
          scan.unknownBranching = `expression kind ${binaryen.getExpressionId(top.expression)}`;
        }
        continue;
      }
      for (let i = slots.length - 1; i >= 0; i--) {
        const child = slots[i]!.get();
        if (child !== 0) stack.push({ slot: slots[i]!, expression: child, done: false });
      }
      continue;
    }
    stack.pop();
    scan.instructions++;
    const expression = top.expression;
    const id = binaryen.getExpressionId(expression);
    if (id === ReturnId) scan.returns.push({ expression, slot: top.slot });
    else if (id === CallId || id === CallIndirectId || id === CallRefId) {
      scan.calls = true;
      if ((binaryen.getExpressionInfo(expression) as { isReturn?: boolean }).isReturn) {
        scan.tailCalls.push({ expression, slot: top.slot });
        const slots = children.slotsOf(expression) ?? [];
        if (slots.length > 0 && isPop(slots[slots.length - 1]!.get())) scan.popOperand = true;
      }
    } else if (id === MemoryGrowId) {
      scan.memoryGrows.push({ expression, slot: top.slot });
      if (isPop(binaryen.MemoryGrow.getDelta(expression))) scan.popOperand = true;
    } else if (exceptionIds.has(id)) {
      scan.exceptions = true;
      if (id === TryId && binaryen.Try.isDelegate(expression)) scan.delegates.push(expression);
    }
  }
  return scan;
}

const BODY_LABEL = 'wasm-otel$body';
const TRY_LABEL = 'wasm-otel$try';
/** Pages a 32-bit memory can have (4 GiB). */
const MAX_PAGES_32 = 65536;
/** binaryen's name for the target of a `delegate` to the caller. */
const DELEGATE_CALLER = '__binaryen_delegate_caller_target';

/** Rewrites one defined function in place (index `index` of the original module). */
export class FunctionRewrite {
  private readonly module: Module;
  private readonly b: Binaryen;
  private on = -1;
  private readonly temps = new Map<number, number>();

  constructor(
    binaryen: Binaryen,
    module: Module,
    private readonly func: FunctionRef,
    private readonly hooks: HookNames,
  ) {
    this.b = binaryen;
    this.module = module;
  }

  /**
   * memory.grow calls the memory-grow hook (while enabled) with its page count first, as the ABI
   * has it ("is about to run"), unless the count is more than a memory can have (an allocator
   * probing with a huge count: that grow fails, and it is no page count to report).
   */
  hookMemoryGrows(sites: readonly { expression: ExpressionRef; slot: Slot }[]): void {
    const { b, module } = this;
    for (const { expression: site } of sites) {
      const delta = b.MemoryGrow.getDelta(site);
      const type = b.getExpressionType(delta);
      if (type === b.unreachable || (delta !== 0 && b.getExpressionId(delta) === b.PopId)) continue;
      const temp = this.temp(type);
      const is64 = type === b.i64;
      const pages = is64 ? module.i32.wrap(module.local.get(temp, b.i64)) : module.local.get(temp, b.i32);
      const possible = is64 ? module.i64.le_u(module.local.get(temp, b.i64), module.i64.const(0xffffffff, 0)) : module.i32.le_u(module.local.get(temp, b.i32), module.i32.const(MAX_PAGES_32));
      b.MemoryGrow.setDelta(
        site,
        module.block(
          null,
          [
            module.local.set(temp, delta),
            module.if(module.i32.and(module.global.get(this.hooks.enabled, b.i32), possible), module.call(this.hooks.memoryGrow, [pages], b.none)),
            module.local.get(temp, type),
          ],
          type,
        ),
      );
    }
  }

  /**
   * enter(index) first, exit(index) on every way out: the end of the body, a branch to its
   * outermost block (both fall out of the block the body is wrapped in), `return` (made a branch
   * out of that block) and `return_call*` (exit once the call's operands are evaluated, just
   * before the call replaces this frame). Whether the hooks run is decided once at entry.
   */
  wrapBody(index: number, scan: BodyScan, exceptions: boolean): void {
    const { b, module, func } = this;
    const results = b.Function.getResults(func);
    // Tail calls first: one may sit in a `return` (dead code around it), whose node is replaced next.
    for (const { expression, slot } of scan.tailCalls) this.exitBeforeTailCall(index, expression, slot);
    for (const { expression, slot } of scan.returns) {
      const value = b.Return.getValue(expression);
      slot.set(module.br(BODY_LABEL, 0, value));
    }
    const on = this.onLocal();
    const body = b.Function.getBody(func);
    let inner = module.block(BODY_LABEL, [body], results);
    // In a module that uses wasm exceptions, one leaving the function exits it too, then goes on;
    // a `delegate` to the caller now delegates to that catch (it would jump past it).
    if (exceptions) {
      inner = module.try(TRY_LABEL, inner, [], [module.block(null, [this.hook(this.hooks.exit, index), module.rethrow(TRY_LABEL)], b.unreachable)]);
      for (const delegate of scan.delegates) if (b.Try.getDelegateTarget(delegate) === DELEGATE_CALLER) b.Try.setDelegateTarget(delegate, TRY_LABEL);
    }
    const list = [module.local.set(on, module.global.get(this.hooks.enabled, b.i32)), this.hook(this.hooks.enter, index)];
    if (results === b.none) {
      list.push(inner, this.hook(this.hooks.exit, index));
    } else {
      const result = this.temp(results);
      list.push(module.local.set(result, inner), this.hook(this.hooks.exit, index), module.local.get(result, results));
    }
    b.Function.setBody(func, module.block(null, list, results));
  }

  private exitBeforeTailCall(index: number, call: ExpressionRef, slot: Slot): void {
    const { b, module } = this;
    const id = b.getExpressionId(call);
    // Evaluated last, so the exit comes after everything the call's operands do.
    let last: { get: () => ExpressionRef; set: (value: ExpressionRef) => void } | undefined;
    if (id === b.CallIndirectId) last = { get: () => b.CallIndirect.getTarget(call), set: (value) => b.CallIndirect.setTarget(call, value) };
    else if (id === b.CallRefId) last = { get: () => b.CallRef.getTarget(call), set: (value) => b.CallRef.setTarget(call, value) };
    else {
      const count = b.Call.getNumOperands(call);
      if (count > 0) last = { get: () => b.Call.getOperandAt(call, count - 1), set: (value) => b.Call.setOperandAt(call, count - 1, value) };
    }
    if (last === undefined) {
      slot.set(module.block(null, [this.hook(this.hooks.exit, index), call], b.getExpressionType(call)));
      return;
    }
    const value = last.get();
    const type = b.getExpressionType(value);
    if (type === b.unreachable) return; // the call is never reached
    const temp = this.temp(type);
    last.set(module.block(null, [module.local.set(temp, value), this.hook(this.hooks.exit, index), module.local.get(temp, type)], type));
  }

  /** `if ($on) hook(index)`. */
  private hook(name: string, index: number): ExpressionRef {
    const { b, module } = this;
    return module.if(module.local.get(this.onLocal(), b.i32), module.call(name, [module.i32.const(index)], b.none));
  }

  private onLocal(): number {
    if (this.on < 0) this.on = this.addVar(this.b.i32);
    return this.on;
  }

  /** A scratch local of this type (one per type and function). */
  private temp(type: number): number {
    let local = this.temps.get(type);
    if (local === undefined) {
      local = this.addVar(type);
      this.temps.set(type, local);
    }
    return local;
  }

  addVar(type: number): number {
    return this.b._BinaryenFunctionAddVar(this.func, type);
  }
}
