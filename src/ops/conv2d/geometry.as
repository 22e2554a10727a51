// The convolution's geometry as the kernels read it: int32 fields at pGeom, in the order of
// CONV_FIELDS in ./contract.ts (N, C, H, W, F, KH, KW, stride, pad, Ho, Wo), field i at byte 4·i.

@inline export function gC(p: usize): i32 { return load<i32>(p, 4); }
@inline export function gH(p: usize): i32 { return load<i32>(p, 8); }
@inline export function gW(p: usize): i32 { return load<i32>(p, 12); }
@inline export function gF(p: usize): i32 { return load<i32>(p, 16); }
@inline export function gKH(p: usize): i32 { return load<i32>(p, 20); }
@inline export function gKW(p: usize): i32 { return load<i32>(p, 24); }
@inline export function gStride(p: usize): i32 { return load<i32>(p, 28); }
@inline export function gPad(p: usize): i32 { return load<i32>(p, 32); }
@inline export function gHo(p: usize): i32 { return load<i32>(p, 36); }
@inline export function gWo(p: usize): i32 { return load<i32>(p, 40); }
