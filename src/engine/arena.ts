/**
 * Memory management shared by the engines: a bump allocator over their linear memory, 64-byte
 * aligned (a cache line: SIMD loads never straddle one at the start of a block).
 */

/** Alignment of every block, in bytes. */
export const ALIGNMENT = 64;

function align(p: number): number {
  return (p + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
}

/**
 * Bump allocator over a linear memory that can grow; `grow(bytes)` must make the memory at least that large.
 * Below `base` lie the permanent blocks of reserve(); above it the temporaries of alloc().
 */
export class Arena {
  private top: number;
  private base: number;

  constructor(
    base: number,
    private readonly size: () => number,
    private readonly grow: (bytes: number) => void,
  ) {
    this.top = align(base);
    this.base = this.top;
  }

  /** A permanent block of `bytes`, or null while temporaries are allocated (they would be in its way). */
  reserve(bytes: number): number | null {
    if (this.top !== this.base) return null;
    const p = this.alloc(bytes);
    this.base = this.top;
    return p;
  }

  /** Reserve `bytes` and return the block's pointer; valid until release() of an earlier mark. */
  alloc(bytes: number): number {
    const p = this.top;
    this.top = align(p + bytes);
    if (this.top > this.size()) this.grow(this.top);
    return p;
  }

  /** Current top of the allocation stack, for release(). */
  mark(): number {
    return this.top;
  }

  /** Free everything allocated after `mark`. */
  release(mark: number): void {
    this.top = mark;
  }
}

/** alloc / mark / release of an engine, on its arena. */
export abstract class ArenaEngine {
  protected abstract readonly arena: Arena;

  /** Reserve `bytes` (64-byte aligned) and return its pointer; valid until release() of an earlier mark. */
  alloc(bytes: number): number {
    return this.arena.alloc(bytes);
  }
  /** Current top of the allocation stack, for release(). */
  mark(): number {
    return this.arena.mark();
  }
  /** Free everything allocated after `mark`. */
  release(mark: number): void {
    this.arena.release(mark);
  }
}
