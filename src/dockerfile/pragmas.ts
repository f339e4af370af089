// Suppression pragmas in comments: `# least-privilege ignore=LP101,LP402 reason`,
// `# least-privilege ignore-file=LP101 reason`, `# hadolint ignore=DL3002` and `# hadolint global ignore=...`.
import type { Pragma } from './types'

const RULE_LIST = '([A-Za-z]+\\d+(?:\\s*,\\s*[A-Za-z]+\\d+)*)'
const LEAST_PRIVILEGE = new RegExp(`^least-privilege\\s+ignore(-file)?\\s*=\\s*${RULE_LIST}(.*)$`, 'i')
const HADOLINT = new RegExp(`^hadolint\\s+(global\\s+)?ignore\\s*=\\s*${RULE_LIST}(.*)$`, 'i')

/**
 * Reads one comment's content (the text after `#`). `appliesTo` is filled in by the model, which knows the
 * instruction that follows. Returns undefined for an ordinary comment.
 */
export function parsePragma(content: string, line: number): Pragma | undefined {
  const text = content.trim()
  const own = LEAST_PRIVILEGE.exec(text)
  if (own) return pragma('least-privilege', own[1] ? 'file' : 'instruction', own[2], own[3], line)
  const hadolint = HADOLINT.exec(text)
  if (hadolint)
    return pragma('hadolint', hadolint[1] ? 'file' : 'instruction', hadolint[2], hadolint[3], line)
  return undefined
}

function pragma(
  source: Pragma['source'],
  scope: Pragma['scope'],
  list: string,
  rest: string,
  line: number
): Pragma | undefined {
  // `ignore=LP101x` is not a rule list followed by a reason: the reason must be separated by space.
  if (rest !== '' && !/^\s/.test(rest)) return undefined
  const rules = list.split(',').map(rule => rule.trim().toUpperCase())
  // hadolint allows a trailing `# why`; people also write `- why` or `: why`.
  const reason = rest.trim().replace(/^[#:-]+\s*/, '')
  return { source, rules, reason, line, scope }
}
