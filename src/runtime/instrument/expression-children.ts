import type { Binaryen } from './binaryen-api.js';

type ExpressionRef = number;

/** Where an expression sits: reads and replaces it in its parent (or as the function body). */
export interface Slot {
  get(): ExpressionRef;
  set(expression: ExpressionRef): void;
}

/** A child of an expression kind: one named field (`Value`: getValue/setValue) or a list (`Operand`: getNumOperands/getOperandAt/setOperandAt). */
type ChildSpec = { field: string } | { list: string; count?: string };

interface KindSpec {
  /** The binaryen.js wrapper class (binaryen.Block, binaryen.If, ...). */
  cls: string;
  children: ChildSpec[];
}

const f = (...fields: string[]): ChildSpec[] => fields.map((field) => ({ field }));

/**
 * The children of every expression kind binaryen.js has accessors for, in evaluation order.
 * Kinds without children are listed with none; a kind missing here is "unknown" to the walker.
 */
const KINDS: [id: string, spec: KindSpec][] = [
  ['BlockId', { cls: 'Block', children: [{ list: 'Child', count: 'Children' }] }],
  ['IfId', { cls: 'If', children: f('Condition', 'IfTrue', 'IfFalse') }],
  ['LoopId', { cls: 'Loop', children: f('Body') }],
  ['BreakId', { cls: 'Break', children: f('Value', 'Condition') }],
  ['SwitchId', { cls: 'Switch', children: f('Value', 'Condition') }],
  ['CallId', { cls: 'Call', children: [{ list: 'Operand' }] }],
  ['CallIndirectId', { cls: 'CallIndirect', children: [{ list: 'Operand' }, { field: 'Target' }] }],
  ['CallRefId', { cls: 'CallRef', children: [{ list: 'Operand' }, { field: 'Target' }] }],
  ['LocalGetId', { cls: 'LocalGet', children: [] }],
  ['LocalSetId', { cls: 'LocalSet', children: f('Value') }],
  ['GlobalGetId', { cls: 'GlobalGet', children: [] }],
  ['GlobalSetId', { cls: 'GlobalSet', children: f('Value') }],
  ['TableGetId', { cls: 'TableGet', children: f('Index') }],
  ['TableSetId', { cls: 'TableSet', children: f('Index', 'Value') }],
  ['TableSizeId', { cls: 'TableSize', children: [] }],
  ['TableGrowId', { cls: 'TableGrow', children: f('Value', 'Delta') }],
  ['LoadId', { cls: 'Load', children: f('Ptr') }],
  ['StoreId', { cls: 'Store', children: f('Ptr', 'Value') }],
  ['ConstId', { cls: 'Const', children: [] }],
  ['UnaryId', { cls: 'Unary', children: f('Value') }],
  ['BinaryId', { cls: 'Binary', children: f('Left', 'Right') }],
  ['SelectId', { cls: 'Select', children: f('IfTrue', 'IfFalse', 'Condition') }],
  ['DropId', { cls: 'Drop', children: f('Value') }],
  ['ReturnId', { cls: 'Return', children: f('Value') }],
  ['MemorySizeId', { cls: 'MemorySize', children: [] }],
  ['MemoryGrowId', { cls: 'MemoryGrow', children: f('Delta') }],
  ['NopId', { cls: 'Nop', children: [] }],
  ['UnreachableId', { cls: 'Unreachable', children: [] }],
  ['AtomicRMWId', { cls: 'AtomicRMW', children: f('Ptr', 'Value') }],
  ['AtomicCmpxchgId', { cls: 'AtomicCmpxchg', children: f('Ptr', 'Expected', 'Replacement') }],
  ['AtomicWaitId', { cls: 'AtomicWait', children: f('Ptr', 'Expected', 'Timeout') }],
  ['AtomicNotifyId', { cls: 'AtomicNotify', children: f('Ptr', 'NotifyCount') }],
  ['AtomicFenceId', { cls: 'AtomicFence', children: [] }],
  ['SIMDExtractId', { cls: 'SIMDExtract', children: f('Vec') }],
  ['SIMDReplaceId', { cls: 'SIMDReplace', children: f('Vec', 'Value') }],
  ['SIMDShuffleId', { cls: 'SIMDShuffle', children: f('Left', 'Right') }],
  ['SIMDTernaryId', { cls: 'SIMDTernary', children: f('A', 'B', 'C') }],
  ['SIMDShiftId', { cls: 'SIMDShift', children: f('Vec', 'Shift') }],
  ['SIMDLoadId', { cls: 'SIMDLoad', children: f('Ptr') }],
  ['SIMDLoadStoreLaneId', { cls: 'SIMDLoadStoreLane', children: f('Ptr', 'Vec') }],
  ['MemoryInitId', { cls: 'MemoryInit', children: f('Dest', 'Offset', 'Size') }],
  ['DataDropId', { cls: 'DataDrop', children: [] }],
  ['MemoryCopyId', { cls: 'MemoryCopy', children: f('Dest', 'Source', 'Size') }],
  ['MemoryFillId', { cls: 'MemoryFill', children: f('Dest', 'Value', 'Size') }],
  ['PopId', { cls: 'Expression', children: [] }],
  ['RefNullId', { cls: 'Expression', children: [] }],
  ['RefIsNullId', { cls: 'RefIsNull', children: f('Value') }],
  ['RefAsId', { cls: 'RefAs', children: f('Value') }],
  ['RefFuncId', { cls: 'RefFunc', children: [] }],
  ['RefEqId', { cls: 'RefEq', children: f('Left', 'Right') }],
  ['RefTestId', { cls: 'RefTest', children: f('Ref') }],
  ['RefCastId', { cls: 'RefCast', children: f('Ref') }],
  ['BrOnId', { cls: 'BrOn', children: f('Ref') }],
  ['StructNewId', { cls: 'StructNew', children: [{ list: 'Operand' }] }],
  ['StructGetId', { cls: 'StructGet', children: f('Ref') }],
  ['StructSetId', { cls: 'StructSet', children: f('Ref', 'Value') }],
  ['ArrayNewId', { cls: 'ArrayNew', children: f('Init', 'Size') }],
  ['ArrayNewFixedId', { cls: 'ArrayNewFixed', children: [{ list: 'Value' }] }],
  ['ArrayNewDataId', { cls: 'ArrayNewData', children: f('Offset', 'Size') }],
  ['ArrayNewElemId', { cls: 'ArrayNewElem', children: f('Offset', 'Size') }],
  ['ArrayGetId', { cls: 'ArrayGet', children: f('Ref', 'Index') }],
  ['ArraySetId', { cls: 'ArraySet', children: f('Ref', 'Index', 'Value') }],
  ['ArrayLenId', { cls: 'ArrayLen', children: f('Ref') }],
  ['ArrayFillId', { cls: 'ArrayFill', children: f('Ref', 'Index', 'Value', 'Size') }],
  ['ArrayCopyId', { cls: 'ArrayCopy', children: f('DestRef', 'DestIndex', 'SrcRef', 'SrcIndex', 'Length') }],
  ['ArrayInitDataId', { cls: 'ArrayInitData', children: f('Ref', 'Index', 'Offset', 'Size') }],
  ['ArrayInitElemId', { cls: 'ArrayInitElem', children: f('Ref', 'Index', 'Offset', 'Size') }],
  ['TryId', { cls: 'Try', children: [{ field: 'Body' }, { list: 'CatchBody', count: 'CatchBodies' }] }],
  ['ThrowId', { cls: 'Throw', children: [{ list: 'Operand' }] }],
  ['RethrowId', { cls: 'Rethrow', children: [] }],
  ['TupleMakeId', { cls: 'TupleMake', children: [{ list: 'Operand' }] }],
  ['TupleExtractId', { cls: 'TupleExtract', children: f('Tuple') }],
  ['RefI31Id', { cls: 'RefI31', children: f('Value') }],
  ['I31GetId', { cls: 'I31Get', children: f('I31') }],
];

/** One child slot of an expression. */
type ChildSlots = (expression: ExpressionRef) => Slot[];

/** The walker's view of binaryen: child slots by expression id. */
export class ExpressionChildren {
  private readonly byId = new Map<number, ChildSlots>();

  constructor(private readonly binaryen: Binaryen) {
    const api = binaryen as unknown as Record<string, unknown>;
    for (const [idName, spec] of KINDS) {
      const id = api[idName];
      const cls = api[spec.cls] as Record<string, (...args: number[]) => number> | undefined;
      if (typeof id !== 'number' || cls === undefined) continue;
      this.byId.set(id, slotsOf(cls, spec.children));
    }
  }

  /** The child slots of an expression, or undefined for a kind the walker does not know. */
  slotsOf(expression: ExpressionRef): Slot[] | undefined {
    return this.byId.get(this.binaryen.getExpressionId(expression))?.(expression);
  }
}

function slotsOf(cls: Record<string, (...args: number[]) => number>, children: ChildSpec[]): ChildSlots {
  return (expression) => {
    const slots: Slot[] = [];
    for (const child of children) {
      if ('field' in child) {
        const get = cls[`get${child.field}`]!;
        const set = cls[`set${child.field}`]!;
        slots.push({ get: () => get(expression), set: (value) => void set(expression, value) });
      } else {
        const count = cls[`getNum${child.count ?? `${child.list}s`}`]!(expression);
        const get = cls[`get${child.list}At`]!;
        const set = cls[`set${child.list}At`]!;
        for (let i = 0; i < count; i++) slots.push({ get: () => get(expression, i), set: (value) => void set(expression, i, value) });
      }
    }
    return slots;
  };
}
