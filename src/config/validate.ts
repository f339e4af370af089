// Validation of the config file against the shipped JSON Schema (schema/least-privilege.schema.json, carried
// in the bundle by ./config-schema.ts). The first violation becomes one line naming the file, the line of the
// offending key and the key: `.least-privilege.yml: line 4: unknown key "imagez"`.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { UsageError } from '../errors'
import { keyText, nodeAt, plain } from '../deployment/compose/tree'
import type { LocatedNode } from '../deployment/yaml'
import { redactText } from '../profile/redact'
import { CONFIG_SCHEMA } from './config-schema'

let validator: ValidateFunction | undefined

function compiled(): ValidateFunction {
  if (!validator) {
    // ajv knows draft-07 by its own meta-schema id; the keywords are draft-07.
    const { $schema: _meta, ...schema } = CONFIG_SCHEMA
    void _meta
    validator = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema)
  }
  return validator
}

/** Throws a one-line UsageError for the first schema violation of the config file `file`. */
export function validateConfig(root: LocatedNode, file: string): void {
  const validate = compiled()
  if (validate(plain(root))) return
  const error = pickError(validate.errors ?? [])
  if (!error) return
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer)
  const where = segments.map(keyText).join('.')
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty)
    const at = nodeAt(root, [...segments, key]).at
    throw fail(file, at.line, `unknown key ${JSON.stringify(key)}${where ? ` in ${where}` : ''}`)
  }
  const at = nodeAt(root, segments).at
  if (error.keyword === 'propertyNames') {
    const key = String(error.params.propertyName)
    throw fail(file, at.line, `${where}: key ${JSON.stringify(clipped(key))} is empty or too long`)
  }
  throw fail(file, at.line, `${where || 'the file'} ${describe(error)}`)
}

function fail(file: string, line: number, why: string): UsageError {
  return new UsageError(`${file}: line ${line}: ${redactText(why)}`)
}

/** The deepest error; at equal depth an unknown key first (a mistyped key is the usual mistake). */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  const rank = (e: ErrorObject) => (e.keyword === 'additionalProperties' ? 2 : e.keyword === 'type' ? 0 : 1)
  const depth = (e: ErrorObject) => e.instancePath.split('/').length
  return errors.reduce<ErrorObject | undefined>((best, e) => {
    if (!best) return e
    if (depth(e) !== depth(best)) return depth(e) > depth(best) ? e : best
    return rank(e) > rank(best) ? e : best
  }, undefined)
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'empty'
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`
    case 'type':
      return `must be ${String(error.params.type)
        .split(',')
        .map(t => TYPE_WORDS[t] ?? t)
        .join(' or ')}`
    case 'minLength':
      return 'must not be empty'
    case 'minItems':
      return 'must not be an empty list'
    case 'maxItems':
      return `must have at most ${String(error.params.limit)} items`
    case 'required':
      return `needs a ${JSON.stringify(String(error.params.missingProperty))} key`
    case 'maxLength':
      return `must be at most ${String(error.params.limit)} characters`
    case 'maxProperties':
      return `must have at most ${String(error.params.limit)} entries`
    default:
      return error.message ?? 'is invalid'
  }
}

function clipped(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}
