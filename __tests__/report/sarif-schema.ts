// Validation of SARIF logs against the official SARIF 2.1.0 schema (shipped by @microsoft/jest-sarif) and
// against GitHub code scanning's own rules (reference/github-platform.md §1).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Ajv from 'ajv'
import type * as sarif from 'sarif'
import { PRINCIPLES } from '../../src/principles'

const require = createRequire(import.meta.url)

function loadSchema(): Record<string, unknown> {
  const file = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  // The file declares draft-04 (`id`, draft-04 meta-schema) but uses no keyword whose meaning changed in
  // draft-07 (no boolean exclusiveMinimum), so Ajv 8 validates it as draft-07 once the draft-04 markers go.
  delete schema.$schema
  schema.$id = schema.id
  delete schema.id
  return schema
}

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1
  } catch {
    return false
  }
}

let validator: ReturnType<Ajv['compile']> | undefined

/** Schema errors as readable strings; empty when valid. */
export function schemaErrors(log: unknown): string[] {
  if (!validator) {
    // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-unicode regexps accept.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false })
    ajv.addFormat('uri', isUri)
    // RFC 3986 reference: no spaces, controls or characters URIs never allow unescaped.
    // eslint-disable-next-line no-control-regex
    ajv.addFormat('uri-reference', value => /^[^\s<>"{}|\\^`\u0000-\u001f\u007f]*$/.test(value))
    ajv.addFormat('date-time', value =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    )
    validator = ajv.compile(loadSchema())
  }
  if (validator(log)) return []
  return (validator.errors ?? []).map(e => `${e.instancePath} ${e.message ?? ''}`)
}

/** GitHub's code-scanning requirements beyond the schema; empty when all are met. */
export function githubProblems(log: sarif.Log): string[] {
  const problems: string[] = []
  if (!log.$schema) problems.push('missing $schema')
  if (log.version !== '2.1.0') problems.push('version is not 2.1.0')
  if (log.runs.length !== 1) problems.push(`expected one run, got ${log.runs.length}`)
  for (const run of log.runs) {
    const driver = run.tool.driver
    if (!driver.name) problems.push('driver.name empty')
    if (!driver.semanticVersion) problems.push('driver.semanticVersion empty')
    if (!run.automationDetails?.id) problems.push('automationDetails.id missing')
    if (!Array.isArray(run.results)) problems.push('results missing')
    const ids = new Set<string>()
    for (const rule of driver.rules ?? []) {
      const where = `rule ${rule.id}`
      if (!rule.id) problems.push('rule without id')
      if (ids.has(rule.id)) problems.push(`${where}: duplicate id`)
      ids.add(rule.id)
      if (!rule.name || rule.name.length > 255) problems.push(`${where}: name`)
      for (const [key, text] of [
        ['shortDescription', rule.shortDescription?.text],
        ['fullDescription', rule.fullDescription?.text]
      ] as const) {
        if (!text || text.length > 1024) problems.push(`${where}: ${key}`)
      }
      if (!rule.help?.text) problems.push(`${where}: help.text`)
      if (!rule.help?.markdown) problems.push(`${where}: help.markdown`)
      if (!rule.helpUri || !rule.help?.markdown?.includes(rule.helpUri)) problems.push(`${where}: docs link`)
      if (!['note', 'warning', 'error'].includes(rule.defaultConfiguration?.level ?? '')) {
        problems.push(`${where}: defaultConfiguration.level`)
      }
      const props = rule.properties ?? {}
      const tags = props.tags ?? []
      const principleTags = tags.filter(t => (PRINCIPLES as readonly string[]).includes(t))
      if (tags.length !== 2 || tags[0] !== 'security' || principleTags.length !== 1) {
        problems.push(`${where}: tags ${JSON.stringify(tags)}`)
      }
      if (!['very-high', 'high', 'medium', 'low'].includes(String(props.precision)))
        problems.push(`${where}: precision`)
      const severity = props['security-severity']
      if (typeof severity !== 'string' || !/^\d+(\.\d+)?$/.test(severity)) {
        problems.push(`${where}: security-severity ${JSON.stringify(severity)} is not a numeric string`)
      } else if (!(Number(severity) > 0 && Number(severity) <= 10)) {
        problems.push(`${where}: security-severity ${severity} out of (0,10]`)
      }
    }
    for (const [i, result] of (run.results ?? []).entries()) {
      const where = `result ${i} (${result.ruleId})`
      if (!result.ruleId) problems.push(`${where}: ruleId`)
      if (!result.level) problems.push(`${where}: level`)
      if (!result.message?.text?.trim()) problems.push(`${where}: message.text empty`)
      if (result.ruleIndex !== undefined && driver.rules?.[result.ruleIndex]?.id !== result.ruleId) {
        problems.push(`${where}: ruleIndex points at another rule`)
      }
      const location = result.locations?.[0]?.physicalLocation
      const uri = location?.artifactLocation?.uri ?? ''
      if (!uri) problems.push(`${where}: uri empty`)
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) || uri.startsWith('/'))
        problems.push(`${where}: uri not relative: ${uri}`)
      if (uri.split('/').includes('..') || uri.includes('\\'))
        problems.push(`${where}: uri has .. or backslash: ${uri}`)
      const start = location?.region?.startLine
      if (start === undefined || start < 1) problems.push(`${where}: startLine ${start}`)
      if ((location?.region?.endLine ?? start ?? 1) < (start ?? 1))
        problems.push(`${where}: endLine before startLine`)
      if (!result.partialFingerprints || Object.keys(result.partialFingerprints).length === 0) {
        problems.push(`${where}: partialFingerprints`)
      }
      if (!result.ruleId || !ids.has(result.ruleId)) problems.push(`${where}: rule not described`)
    }
  }
  return problems
}
