// Prints one plain closing line ("N passed, N failed, N skipped") that CI log readers understand.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    process.stdout.write(
      `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`
    )
  }
}
module.exports = SummaryReporter
