// Image output quoted in a need's evidence: the last non-empty line, control characters removed, clipped,
// and backticks replaced so the quote stays one Markdown code span. Pure.
export const MAX_QUOTED_CHARS = 160

export function quotedOutput(text: string): string {
  const lines = text
    .slice(-8192)
    .split(/\r?\n|\r/)
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .map(l => l.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim())
    .filter(Boolean)
  const last = (lines.pop() ?? '').replace(/`/g, "'")
  return last.length <= MAX_QUOTED_CHARS ? last : `${last.slice(0, MAX_QUOTED_CHARS - 1)}…`
}
