// Validation against the Compose Specification's JSON schema (vendored from the dclint package, see
// ./compose-spec.ts), with ajv. Run on each file after interpolation, as compose-go does; the first error
// becomes one line naming the file, the line of the offending key and the key.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { LocatedNode } from '../yaml'
import { COMPOSE_SPEC_SCHEMA } from './compose-spec'
import { failAt, keyText, nodeAt, plain } from './tree'

let validator: ValidateFunction | undefined

function compiled(): ValidateFunction {
  if (!validator) {
    // The schema names a draft-07 meta-schema URL ajv does not know by that spelling; the keywords are draft-07.
    const { $schema: _meta, ...schema } = COMPOSE_SPEC_SCHEMA
    void _meta
    // Formats (durations, ports) are not checked: compose-go checks them when it converts types, and
    // none of them decides a privilege.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false })
    validator = ajv.compile(schema)
  }
  return validator
}

/** Throws a one-line UsageError for the first schema violation of one compose file. */
export function validateCompose(root: LocatedNode): void {
  const validate = compiled()
  if (validate(plain(root))) return
  const error = pickError(validate.errors ?? [])
  if (!error) return
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer)
  const unknown =
    error.keyword === 'additionalProperties' ? String(error.params.additionalProperty) : undefined
  const at = nodeAt(root, unknown === undefined ? segments : [...segments, unknown]).at
  const where = segments.map(keyText).join('.')
  if (unknown !== undefined) {
    const why =
      segments.length === 0
        ? `unknown top-level key ${JSON.stringify(unknown)}`
        : `unknown key ${JSON.stringify(unknown)}`
    throw failAt(at, where, why)
  }
  throw failAt(at, where || '(top level)', describe(error))
}

/**
 * ajv reports every branch of a `oneOf`; the most useful is the deepest one, and at equal depth an unknown
 * key over a type mismatch (a mistyped key is the usual mistake).
 */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  const rank = (e: ErrorObject) => (e.keyword === 'additionalProperties' ? 2 : e.keyword === 'type' ? 0 : 1)
  const useful = errors.filter(e => !['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword))
  const list = useful.length ? useful : errors
  return list.reduce<ErrorObject | undefined>((best, e) => {
    if (!best) return e
    const depth = e.instancePath.split('/').length - best.instancePath.split('/').length
    if (depth !== 0) return depth > 0 ? e : best
    return rank(e) > rank(best) ? e : best
  }, undefined)
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'enum') {
    const allowed = (error.params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')
    return `must be one of ${allowed}`
  }
  if (error.keyword === 'type') return `must be ${String(error.params.type).split(',').join(' or ')}`
  return error.message ?? 'invalid'
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}
