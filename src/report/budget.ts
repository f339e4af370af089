// Size budgets for Markdown bodies with hard limits (1 MiB job summary, 65,536-character PR comment).
// Content is only ever dropped in whole items (a list item, a table, a details block), so a cut can never
// land inside an entity, a tag or a code fence.

export type Measure = (text: string) => number

export const utf8Bytes: Measure = text => Buffer.byteLength(text, 'utf8')
/** What GitHub's API counts for a body limit: UTF-16 code units (JS `.length`). */
export const utf16Units: Measure = text => text.length

/** Blocks joined by a blank line, never exceeding `limit` as counted by `measure`. */
export class BlockWriter {
  private readonly blocks: string[] = []
  private used = 0

  constructor(
    readonly limit: number,
    readonly measure: Measure
  ) {}

  /** Size `block` would add, including its separator. */
  cost(block: string): number {
    return this.measure(block) + (this.blocks.length > 0 ? 2 : 0)
  }

  get remaining(): number {
    return this.limit - this.used
  }

  /** Adds `block` if it fits while still leaving `reserve` free; says whether it did. */
  tryAdd(block: string, reserve = 0): boolean {
    if (block === '') return true
    const cost = this.cost(block)
    if (cost + reserve > this.remaining) return false
    this.blocks.push(block)
    this.used += cost
    return true
  }

  toString(): string {
    return this.blocks.join('\n\n')
  }
}

/**
 * As many `items` as fit in `budget` (joined by newlines), then `more(n)` for the n left out, which is
 * always given room. Returns '' when not even the first item plus the note fit.
 */
export function fitItems(
  items: string[],
  budget: number,
  measure: Measure,
  more: (left: number) => string
): { text: string; shown: number } {
  const kept: string[] = []
  let used = 0
  for (let i = 0; i < items.length; i++) {
    const cost = measure(items[i]) + (kept.length > 0 ? 1 : 0)
    const last = i === items.length - 1
    const note = last ? 0 : measure(more(items.length - i - 1)) + 1
    if (used + cost + note > budget) break
    kept.push(items[i])
    used += cost
  }
  if (kept.length === items.length) return { text: kept.join('\n'), shown: kept.length }
  const note = more(items.length - kept.length)
  const text = kept.length > 0 ? `${kept.join('\n')}\n${note}` : note
  return measure(text) <= budget ? { text, shown: kept.length } : { text: '', shown: 0 }
}
