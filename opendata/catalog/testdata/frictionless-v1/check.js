'use strict'
// Reads a published Data Package the way a Frictionless v1 reader does: the
// npm `datapackage` library at 1.1.10 (with `tableschema` 1.x), the version
// newsrooms still have installed. It loads datapackage.json (validating it
// against the v1 profiles), opens every resource, reads every row and casts
// every value to its field's type; missing-value symbols become null.
//
// Usage: node check.js path/to/datapackage.json
//
// Prints one JSON report on stdout — the package's validity and errors, and
// per resource its rows, cells, nulls, cast errors and the JavaScript types
// the values were cast to — and exits 0 whatever it found (the Go test
// TestFrictionlessV1Reader judges the report); exit 2 means the reader
// itself could not run.
const path = require('path')
const {Package} = require('datapackage')

function kindOf(v) {
  if (v === null) return 'null'
  if (v instanceof Date) return 'Date'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

function message(err) {
  if (!err) return ''
  const inner = (err.errors || []).map(e => message(e)).filter(Boolean)
  return [String(err.message || err)].concat(inner).join('; ')
}

async function readResource(resource) {
  const report = {
    name: resource.name,
    tabular: resource.tabular,
    valid: resource.valid,
    errors: (resource.errors || []).map(message),
    headers: null,
    rows: 0,
    cells: 0,
    nulls: 0,
    badRows: 0, // rows that did not cast
    castErrors: [], // the first 20 of them
    types: {},
  }
  if (!resource.tabular) return report
  const fields = resource.schema.fields
  // forceCast: a row that does not cast comes back as its error instead of
  // ending the read, so every bad row is reported.
  const rows = await resource.iter({cast: true, forceCast: true})
  for (;;) {
    const next = await rows.next()
    if (next.done) break
    const row = next.value
    report.rows++
    if (row instanceof Error) {
      report.badRows++
      if (report.castErrors.length < 20) report.castErrors.push(`row ${report.rows}: ${message(row)}`)
      continue
    }
    row.forEach((v, i) => {
      report.cells++
      if (v === null) report.nulls++
      const key = `${fields[i].type}:${kindOf(v)}`
      report.types[key] = (report.types[key] || 0) + 1
    })
  }
  report.headers = resource.headers // known once the table has been read
  return report
}

async function main() {
  const descriptor = process.argv[2]
  if (!descriptor) throw new Error('usage: node check.js path/to/datapackage.json')
  const pkg = await Package.load(path.resolve(descriptor))
  const out = {
    reader: `datapackage@${require('datapackage/package.json').version}`,
    tableschema: `tableschema@${require('tableschema/package.json').version}`,
    node: process.version,
    valid: pkg.valid,
    errors: (pkg.errors || []).map(message),
    resources: [],
  }
  for (const resource of pkg.resources) {
    try {
      out.resources.push(await readResource(resource))
    } catch (err) {
      out.resources.push({name: resource.name, failed: message(err)})
    }
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n')
}

main().catch(err => {
  process.stderr.write(`frictionless-v1 check could not run: ${message(err)}\n`)
  process.exit(2)
})
