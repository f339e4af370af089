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

/** Items given by count and a render function, so items past the budget are never rendered at all. */
export interface LazyItems {
  readonly length: number
  at(index: number): string
}

/**
 * As many `items` as fit in `budget` (joined by newlines), then `more(n)` for the n left out, which is
 * always given room. Returns '' when not even the first item plus the note fit. Work is linear in what is
 * kept: items after the first that does not fit are not rendered (pass LazyItems) and not measured, and
 * the note is measured only near the budget. `more(n)` must not get shorter as n grows (a count does not).
 */
export function fitItems(
  items: string[] | LazyItems,
  budget: number,
  measure: Measure,
  more: (left: number) => string
): { text: string; shown: number } {
  const total = items.length
  const at = Array.isArray(items) ? (i: number) => items[i] : (i: number) => items.at(i)
  // The longest note any cut could need: the one for the most items left out.
  const longestNote = total > 1 ? measure(more(total - 1)) + 1 : 0
  const kept: string[] = []
  let used = 0
  for (let i = 0; i < total; i++) {
    const item = at(i)
    const cost = measure(item) + (kept.length > 0 ? 1 : 0)
    const last = i === total - 1
    if (used + cost + (last ? 0 : longestNote) > budget) {
      const note = last ? 0 : measure(more(total - i - 1)) + 1
      if (used + cost + note > budget) break
    }
    kept.push(item)
    used += cost
  }
  if (kept.length === total) return { text: kept.join('\n'), shown: kept.length }
  const note = more(total - kept.length)
  // Sizes add up over the newline-joined parts, so the whole text is never measured again.
  const size = used + (kept.length > 0 ? 1 : 0) + measure(note)
  if (size > budget) return { text: '', shown: 0 }
  return { text: kept.length > 0 ? `${kept.join('\n')}\n${note}` : note, shown: kept.length }
}
