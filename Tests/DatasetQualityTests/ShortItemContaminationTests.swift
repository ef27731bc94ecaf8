import DatasetQuality
import Testing

/// The short-item rule of `ContaminationIndex` (method ngram-13/v2): an item too short for a
/// single changed word to leave a 13-gram is still found, and templated near-twins are told apart.
@Suite struct ShortItemContaminationTests {
    static let choices = ["Yes, with p=2.", "Yes, with p=3.", "Yes, with p=5.", "No."]
    static let twelve =
        "Determine whether the polynomial in Z[x] satisfies an Eisenstein criterion for irreducibility over Q. x^2 - 12"
    static let cubic =
        "Determine whether the polynomial in Z[x] satisfies an Eisenstein criterion for irreducibility over Q. 8x^3 + 6x^2 - 9x + 24"
    static let team = "Which one of the following is not a characteristic of a team?"
    static let teamChoices = [
        "Minimal and formal knowledge sharing", "Collective output",
        "Individual and collective responsibility", "Fluid dimension to roles and tasks"
    ]

    static func item(_ id: String, _ question: String, _ choices: [String]) -> BenchmarkItem {
        BenchmarkItem(id: id, text: question, extendedText: ([question] + choices).joined(separator: " "))
    }

    static let suite = BenchmarkSuite(
        id: "mc", version: "1", digest: String(repeating: "c", count: 64),
        items: [
            item("twelve", twelve, choices), item("cubic", cubic, choices), item("team", team, teamChoices)
        ])

    static func prompt(_ question: String, _ choices: [String]) -> String {
        question + "\n" + zip(["A", "B", "C", "D"], choices).map { "\($0). \($1)" }.joined(separator: "\n")
            + "\nThe answer is B."
    }

    /// The item ids one record names.
    static func named(_ records: [String]) -> [String] {
        var scanner = ContaminationScanner(index: ContaminationIndex(suites: [suite]))
        for (i, r) in records.enumerated() {
            scanner.add(words: TextNormalizer.longWordHashes(r), location: UInt64(i + 1))
        }
        return scanner.results().flatMap { $0.items.map(\.id) }
    }

    @Test func aChangedWordInAShortItemIsFoundAndAttributedToTheRightTwin() {
        // "- 12" becomes "thing 12": no 13-gram of the 13-word question survives.
        let paraphrase = Self.twelve.replacingOccurrences(of: "x^2 - 12", with: "x^2 thing 12")
        #expect(Self.named([Self.prompt(paraphrase, Self.choices)]) == ["twelve"])
        #expect(Self.named([Self.prompt(Self.twelve, Self.choices)]) == ["twelve"])
        #expect(Self.named([Self.prompt(Self.cubic, Self.choices)]) == ["cubic"])
        // Two different questions in one record: both count.
        #expect(
            Self.named([Self.prompt(Self.twelve, Self.choices) + "\n" + Self.prompt(Self.team, Self.teamChoices)])
                .sorted() == ["team", "twelve"])
    }

    @Test func aSubstitutedWordAndDroppedChoicesStillCount() {
        let substituted = "Which one of the following is not a quality of a team?"
        #expect(Self.named([Self.prompt(substituted, Self.teamChoices)]) == ["team"])
        #expect(Self.named([Self.team]) == ["team"]) // the whole short question (long rule)
    }

    @Test func commonPhrasesAndPartialOverlapDoNotCount() {
        #expect(
            Self.named([
                "Which one of the following is not a good idea for a picnic?",
                "Minimal and formal knowledge sharing is collective output of individual teams.",
                "Determine whether the polynomial in Z[x] satisfies the rational root test."
            ]).isEmpty)
    }
}
