// Validation of `--format json` reports against the shipped schema/report.schema.json.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'

const SCHEMA = fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url))

let validator: ValidateFunction | undefined

/** Every schema error as `path: message`; [] for a valid report. */
export function reportSchemaErrors(report: unknown): string[] {
  // strict: the schema uses no unknown keyword; `format` is documentation only (ajv-formats is not needed).
  validator ??= new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    validateFormats: false
  }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object)
  if (validator(report)) return []
  return (validator.errors ?? []).map(e => `${e.instancePath || '/'}: ${e.message}`)
}
