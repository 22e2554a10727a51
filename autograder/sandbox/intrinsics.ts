/**
 * Built-ins of the sandbox child, captured when this module is evaluated: before any student
 * module loads (the child runner imports it first). Student code may replace any global, method
 * or getter afterwards (Object.defineProperty, Buffer.from, %TypedArray%.prototype.length, …);
 * the child runner and its message codec call only what is captured here, with `apply`.
 */
export const { apply } = Reflect;
export const { is: objectIs, keys: objectKeys, defineProperty, getPrototypeOf, getOwnPropertyDescriptor } = Object;
export const isArray = Array.isArray;
export const ObjectProto = Object.prototype;
export const ErrorCtor = Error;
export const F64 = Float64Array;
export const F32 = Float32Array;
export const I32 = Int32Array;
export const U8 = Uint8Array;
export const DV = DataView;
export const BufferCtor = Buffer;

const typedArrayProto = getPrototypeOf(Int8Array.prototype) as object;
const getter = (name: string | symbol): (() => unknown) => getOwnPropertyDescriptor(typedArrayProto, name)!.get!;
const tagGetter = getter(Symbol.toStringTag);
const lengthGetter = getter("length");
const bufferGetter = getter("buffer");
const offsetGetter = getter("byteOffset");
const byteLengthGetter = getter("byteLength");
/** %TypedArray%.prototype.set and .subarray, for `apply`. */
export const typedSet = (typedArrayProto as { set: (a: ArrayLike<number>, at?: number) => void }).set;
export const typedSubarray = (typedArrayProto as { subarray: (a: number, b?: number) => Uint8Array }).subarray;

/** "Float64Array", "Float32Array", … for a genuine typed array; undefined for anything else (a Proxy, a lookalike). */
export function typedArrayName(v: unknown): string | undefined {
  return apply(tagGetter, v, []) as string | undefined;
}

/** The real length of a genuine typed array (an own `length` property cannot fake it). */
export function typedLength(v: unknown): number {
  return apply(lengthGetter, v, []) as number;
}

/** The memory of a genuine typed array: its ArrayBuffer, byte offset and byte length. */
export function typedMemory(v: unknown): [ArrayBuffer, number, number] {
  return [apply(bufferGetter, v, []) as ArrayBuffer, apply(offsetGetter, v, []) as number, apply(byteLengthGetter, v, []) as number];
}

/** Define an own data property (never runs a setter a student put on a prototype). */
export function put(o: object, key: string | number, value: unknown): void {
  defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}
