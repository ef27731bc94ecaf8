import Foundation
import TestSupport
import Testing

@testable import AssayCLI
@testable import Registry

/// Issue 11, "Decisions an auditor can defend": the reproductions from the issue as scripted
/// scenarios through the command line, with the real SmolLM2 Q4_1 model and a Q8_0 variant made
/// with `assay quantize`.
struct DecisionsScenarioTests {
    /// Tier `t`: general-knowledge with ≥ 4 items per task counts; an unreachable accuracy floor;
    /// a 1 ms latency ceiling (which a real run never meets unless it is flagged as under load).
    static let policyText = """
        {"format": "assay-policy/1", "version": 5, "roles": ["submitter", "approver", "release-manager", "auditor", "admin"],
         "default_tier": "t",
         "gate": {"bootstrap_resamples": 2000},
         "tiers": {"t": {"required_suites": ["general-knowledge"],
                         "minimum_metrics": [{"suite": "general-knowledge", "task": "general-knowledge", "metric": "acc", "min": 0.99}],
                         "max_regression": 0.05, "latency_p95_ms": 1,
                         "approvals": {"quorum": 1}, "evaluation": {"min_items": 4}}}}
        """

    struct World {
        let dir: TemporaryDirectory
        var environment: [String: String]

        init(_ name: String, actor: String? = "ci") {
            dir = TemporaryDirectory(name)
            environment = [
                "ASSAY_HOME": dir.path("home").path,
                "ASSAY_SUITES_DIR": Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites").path
            ]
            if let actor { environment["ASSAY_ACTOR"] = actor }
        }

        func run(_ argv: String...) async -> (code: Int32, out: String, err: String) {
            await run(argv)
        }

        func run(_ argv: [String]) async -> (code: Int32, out: String, err: String) {
            let output = OutputSink.capturing()
            let code = await AssayCommandLine.run(
                argv, environment: environment, output: output, workingDirectory: dir.url)
            return (code, output.stdout, output.stderr)
        }

        func store() throws -> RegistryStore { try RegistryStore(home: dir.path("home"), actor: "reader") }
    }

    static var osUser: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid-\(getuid())"
    }

    /// Acceptance 1 (gate repros), 3 (floors and overrides) and 4 (flipped byte) on one registry.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(20)))
    func gateApprovalAndEvidenceIntegrityWithARealModel() async throws {
        let model = try Fixtures.requireSmolLM()
        let w = World("decisions")
        let policy = w.dir.path("policy.json").path
        try Self.policyText.write(toFile: policy, atomically: true, encoding: .utf8)
        let q8 = w.dir.path("q8_0.gguf").path
        #expect(await w.run("init", "--trust-actor-env").code == 0)
        #expect(await w.run("model", "register", "s@q4_1", model.path).code == 0)
        #expect(await w.run("quantize", model.path, q8, "--type", "q8_0").code == 0)
        #expect(
            await w.run("model", "register", "s@q8_0", q8, "--base", "s@q4_1", "--relation", "quantized_from").code == 0
        )
        for version in ["q4_1", "q8_0"] {
            let r = await w.run(
                "eval", "--model", "s@\(version)", "--suite", "general-knowledge", "--limit", "4", "--threads", "1",
                "--quiet")
            #expect(r.code == 0, "\(r.err)")
        }
        // A newer 2-item smoke run must not displace the 4-item run.
        let smoke = await w.run(
            "eval", "--model", "s@q8_0", "--suite", "general-knowledge", "--limit", "2", "--threads", "1", "--quiet",
            "--json")
        #expect(smoke.code == 0, "\(smoke.err)")
        let smokeRun = try #require(
            (try JSONSerialization.jsonObject(with: Data(smoke.out.utf8)) as? [String: Any])?["run_id"] as? String)

        // Gate: per task, never pooled; only qualifying runs; never "regression" for an improvement.
        let junit = w.dir.path("gate.xml").path
        let gate = await w.run(
            "gate", "--candidate", "s@q8_0", "--baseline", "s@q4_1", "--policy", policy, "--no-eval",
            "--json", "--junit", junit)
        let decision = try #require(
            try JSONSerialization.jsonObject(with: Data(gate.out.utf8)) as? [String: Any], "\(gate.out)\(gate.err)")
        let comparisons = try #require(decision["comparisons"] as? [[String: Any]])
        #expect(comparisons.map { $0["task"] as? String } == ["general-knowledge", "general-knowledge-cloze"])
        for c in comparisons {
            #expect(c["sharedItems"] as? Int == 4, "\(c)")
            #expect(c["candidateRunID"] as? String != smokeRun)
            let difference = try #require(c["difference"] as? [String: Any])
            let estimate = try #require(difference["estimate"] as? Double)
            let lower = try #require(difference["lower"] as? Double)
            let upper = try #require(difference["upper"] as? Double)
            #expect(lower >= -1 && upper <= 1 && lower <= estimate && estimate <= upper)
            if estimate >= 0 { #expect(c["outcome"] as? String != "regression", "\(c)") }
        }
        let checks = try #require(decision["checks"] as? [[String: Any]])
        let floor = checks.first { $0["name"] as? String == "general-knowledge/general-knowledge/acc/floor" }
        #expect(floor?["status"] as? String == "fail", "\(checks)")
        let latency = checks.first { $0["name"] as? String == "latency-p95" }
        // 1 ms is never met: the rule fails, unless the run was flagged as measured under load.
        let latencyDetail = latency?["detail"] as? String ?? ""
        #expect(
            latency?["status"] as? String == (latencyDetail.contains("under load") ? "warn" : "fail"),
            "\(latencyDetail)")
        let verdict = decision["verdict"] as? String
        #expect(["fail", "regression"].contains(verdict ?? ""), "\(decision)")
        #expect(gate.code == 1)
        let events = try w.store().auditEvents()
        #expect(events.contains { $0.action == "gate.verdict" && $0.subject == "s@q8_0" })
        // Gate verdicts appear in the exports.
        let html = w.dir.path("export.html")
        let cdx = w.dir.path("export.cdx.json")
        #expect(await w.run("export", "s@q8_0", "--format", "html", "--out", html.path).code == 0)
        #expect(await w.run("export", "s@q8_0", "--format", "cyclonedx", "--out", cdx.path).code == 0)
        let htmlText = try String(contentsOf: html, encoding: .utf8)
        #expect(
            htmlText.contains("Regression gate verdicts")
                && htmlText.contains("<span class=\"verdict \(verdict ?? "")\">\(verdict ?? "")</span>"))
        let cdxText = try String(contentsOf: cdx, encoding: .utf8)
        #expect(cdxText.contains("assay:gate:verdict:1") && cdxText.contains("vs s@q4_1"))

        // JUnit, read by the real junitparser when available: one case per (suite, task, metric).
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", Fixtures.packageRoot.appendingPathComponent("scripts/check-junit.py").path, junit
        ]
        let pipe = Pipe()
        python.standardOutput = pipe
        python.standardError = Pipe()
        try python.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        if python.terminationStatus == 2 && !Fixtures.isCI {
            // junitparser not installed here: the XML structure is covered by RegressionGateTests.
        } else {
            #expect(python.terminationStatus == 0)
            let cases = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let names = cases.compactMap { $0["name"] as? String }
            #expect(names.filter { $0 == "general-knowledge/general-knowledge/acc" }.count == 1, "\(names)")
            #expect(names.filter { $0 == "general-knowledge/general-knowledge-cloze/acc" }.count == 1, "\(names)")
            let letter = cases.first { $0["name"] as? String == "general-knowledge/general-knowledge/acc" }
            #expect(letter?["classname"] as? String == "assay.gate.general-knowledge")
            #expect((letter?["properties"] as? [String: String])?["p_value"] != nil)
            #expect(cases.allSatisfy { $0["time"] != nil })
        }

        // Approval: a version below a floor cannot reach approved without a recorded admin override.
        #expect(await w.run("role", "grant", "adm", "admin", "--actor", "adm").code == 0)
        #expect(await w.run("role", "grant", "adm", "approver", "--actor", "adm").code == 0)
        #expect(await w.run("role", "grant", "alice", "submitter", "--actor", "adm").code == 0)
        #expect(await w.run("role", "grant", "bob", "approver", "--actor", "adm").code == 0)
        let below = await w.run("approval", "evaluate", "s@q8_0", "--policy", policy, "--actor", "alice")
        #expect(below.code == 1 && below.err.contains("below the floor 0.990"), "\(below.err)")
        let notAdmin = await w.run(
            "approval", "evaluate", "s@q8_0", "--policy", policy, "--actor", "alice", "--override", "ship it")
        #expect(notAdmin.code == 1 && notAdmin.err.contains("requires the role admin"), "\(notAdmin.err)")
        #expect(
            await w.run(
                "approval", "evaluate", "s@q8_0", "--policy", policy, "--actor", "adm",
                "--override", "demo model; accuracy floor waived by the risk board"
            ).code == 0)
        let submit = await w.run("approval", "submit", "s@q8_0", "--policy", policy, "--actor", "alice")
        #expect(submit.code == 1 && submit.err.contains("floors are not met"), "\(submit.err)")
        #expect(
            await w.run("approval", "submit", "s@q8_0", "--policy", policy, "--actor", "adm", "--override", "waived")
                .code == 0)
        let approve = await w.run("approval", "approve", "s@q8_0", "--policy", policy, "--actor", "bob")
        #expect(approve.code == 1 && approve.err.contains("floors are not met"), "\(approve.err)")
        let state = try w.store().read {
            try GovernanceRecords.approval($0, try VersionReference(parsing: "s@q8_0")).state
        }
        #expect(state == "in_review")
        // adm submitted, so adm may not approve (separation of duties); bob cannot override.
        let bobOverride = await w.run(
            "approval", "approve", "s@q8_0", "--policy", policy, "--actor", "bob", "--override", "x")
        #expect(bobOverride.code == 1 && bobOverride.err.contains("requires the role admin"))
        #expect(await w.run("role", "grant", "carol", "admin", "--actor", "adm").code == 0)
        #expect(await w.run("role", "grant", "carol", "approver", "--actor", "adm").code == 0)
        let approved = await w.run(
            "approval", "approve", "s@q8_0", "--policy", policy, "--actor", "carol", "--override", "risk accepted")
        #expect(approved.code == 0, "\(approved.err)")
        let evidence = try w.store().auditEvents().filter { $0.action == "approval.evidence" && $0.subject == "s@q8_0" }
        #expect(evidence.count == 3)
        #expect(evidence.allSatisfy { $0.payload.contains("\"override\":{") && $0.payload.contains("below the floor") })
        #expect(evidence.last?.payload.contains("risk accepted") == true)

        // Evidence integrity: one flipped byte makes eval, gate and serve refuse the file.
        let flipped = w.dir.path("flip.gguf").path
        try FileManager.default.copyItem(atPath: q8, toPath: flipped)
        #expect(await w.run("model", "register", "s@flip", flipped).code == 0)
        let handle = try #require(FileHandle(forUpdatingAtPath: flipped))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        let byte = try #require(try handle.read(upToCount: 1)).first ?? 0
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data([byte ^ 0x01]))
        try handle.close()
        let registered = try w.store().modelVersion(try VersionReference(parsing: "s@flip")).digest
        let eval = await w.run(
            "eval", "--model", "s@flip", "--suite", "general-knowledge", "--limit", "1", "--threads", "1")
        #expect(eval.code == 1 && eval.err.contains("flip.gguf has changed since it was registered"), "\(eval.err)")
        #expect(eval.err.contains(registered))
        let flipGate = await w.run("gate", "--candidate", "s@flip", "--baseline", "s@q4_1", "--policy", policy)
        #expect(flipGate.code == 2 && flipGate.err.contains("has changed since it was registered"), "\(flipGate.err)")
        let serve = await w.run("serve", "--port", "0", "--model", flipped, "--no-webhooks")
        #expect(serve.code == 1 && serve.err.contains("has changed since it was registered"), "\(serve.err)")
        #expect(try w.store().evaluationRuns(model: try VersionReference(parsing: "s@flip")).isEmpty)

        // `--copy` keeps the evidence in the registry's content-addressed store.
        #expect(await w.run("model", "register", "s@copied", q8, "--copy").code == 0)
        let copied = try w.store().modelVersion(try VersionReference(parsing: "s@copied"))
        let uri = try #require(copied.artifacts.first?.uri)
        #expect(uri.hasPrefix(w.dir.path("home/objects/sha256").path) && uri.hasSuffix(copied.artifacts[0].sha256))
    }

    /// Acceptance 6 and the trust model: without a trusting registry, the actor is the OS user;
    /// `--actor` needs admin; `token create alice` by a non-admin fails.
    @Test func identityIsTheOSUserUnlessAnAdminOrATrustedEnvironment() async throws {
        let w = World("identity", actor: nil)
        let file = w.dir.path("m.bin")
        try Data("weights".utf8).write(to: file)
        #expect(await w.run("init").code == 0)
        let spoof = await w.run("model", "register", "m@1", file.path, "--actor", "alice")
        #expect(spoof.code == 1 && spoof.err.contains("needs the admin role"), "\(spoof.err)")
        var env = w
        env.environment["ASSAY_ACTOR"] = "alice"
        let spoofEnv = await env.run("role", "grant", "alice", "admin")
        #expect(spoofEnv.code == 1 && spoofEnv.err.contains("needs the admin role"), "\(spoofEnv.err)")
        // The OS user registers as themselves.
        #expect(await w.run("model", "register", "m@1", file.path).code == 0)
        let registrant = try w.store().read {
            try GovernanceRecords.approval($0, try VersionReference(parsing: "m@1")).registrant
        }
        #expect(registrant == Self.osUser)
        let token = await w.run("token", "create", "alice")
        #expect(token.code == 1 && token.err.contains("requires the role admin"), "\(token.err)")
        #expect(await w.run("token", "create").code == 0) // a token for oneself is fine
        // Once the OS user is an admin, they may act for others and mint their tokens.
        #expect(await w.run("role", "grant", Self.osUser, "admin").code == 0)
        #expect(await w.run("token", "create", "alice").code == 0)
        #expect(await w.run("role", "grant", "alice", "submitter", "--actor", "alice").code == 1) // alice is no admin
        let onBehalf = await w.run("approval", "card", "m@1", "--field", "intended_use=x", "--actor", "alice")
        #expect(onBehalf.code == 1, "alice holds no role for the card: \(onBehalf.err)")
        // A registry configured to trust the environment (CI) honours --actor for anyone.
        #expect(await w.run("init", "--trust-actor-env").code == 0)
        #expect(await env.run("model", "register", "m@2", file.path).code == 0)
        let trusted = try w.store().read {
            try GovernanceRecords.approval($0, try VersionReference(parsing: "m@2")).registrant
        }
        #expect(trusted == "alice")
        #expect(try w.store().auditEvents().contains { $0.action == "registry.settings" })
    }

    /// The policy is `--policy`, else the registry's configured policy, else the bundled
    /// default — never ./Governance/policy.json.
    @Test func policyPathNeverComesFromTheWorkingDirectory() async throws {
        let w = World("policy-path")
        try FileManager.default.createDirectory(at: w.dir.path("Governance"), withIntermediateDirectories: true)
        try "{ not a policy".write(to: w.dir.path("Governance/policy.json"), atomically: true, encoding: .utf8)
        let file = w.dir.path("m.bin")
        try Data("weights".utf8).write(to: file)
        #expect(await w.run("init", "--trust-actor-env").code == 0)
        #expect(await w.run("model", "register", "m@1", file.path).code == 0)
        let bundled = await w.run("approval", "status", "m@1", "--json")
        #expect(bundled.code == 0, "the broken ./Governance/policy.json must be ignored: \(bundled.err)")
        #expect(bundled.out.contains("\"quorum\" : 1"))
        let custom = w.dir.path("custom.json")
        try Self.policyText.replacingOccurrences(of: "\"quorum\": 1", with: "\"quorum\": 3").write(
            to: custom, atomically: true, encoding: .utf8)
        let broken = await w.run("init", "--policy", w.dir.path("Governance/policy.json").path)
        #expect(broken.code == 2)
        #expect(await w.run("init", "--policy", custom.path).code == 0)
        let configured = await w.run("approval", "status", "m@1", "--json")
        #expect(configured.out.contains("\"quorum\" : 3"), "\(configured.out)")
    }

    /// Imports are not trusted: a shard forged *consistently* (log-likelihoods edited so the
    /// recorded answers follow from them) passes the import's consistency check, but a policy
    /// with `rescore_sample` makes the gate re-score sampled items natively, which exposes it;
    /// the genuine shards pass the re-score and count.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(20)))
    func nativeRescoreExposesAConsistentlyForgedImport() async throws {
        let model = try Fixtures.requireSmolLM()
        let w = World("rescore")
        let policy = w.dir.path("policy.json").path
        try """
        {"format": "assay-policy/1", "version": 1, "roles": ["submitter", "approver", "release-manager", "auditor", "admin"],
         "default_tier": "t", "gate": {"bootstrap_resamples": 1000},
         "tiers": {"t": {"required_suites": ["general-knowledge"], "max_regression": 0.5, "approvals": {"quorum": 1},
                         "evaluation": {"min_items": 4, "rescore_sample": 100}}}}
        """.write(toFile: policy, atomically: true, encoding: .utf8)
        let q8 = w.dir.path("q8_0.gguf").path
        #expect(await w.run("init", "--trust-actor-env").code == 0)
        #expect(await w.run("model", "register", "s@q4_1", model.path).code == 0)
        #expect(await w.run("quantize", model.path, q8, "--type", "q8_0").code == 0)
        #expect(await w.run("model", "register", "s@q8_0", q8).code == 0)
        let common = [
            "eval", "--model", "s@q8_0", "--suite", "general-knowledge", "--limit", "4", "--threads", "1", "--quiet"
        ]
        #expect(
            await w.run([
                "eval", "--model", "s@q4_1", "--suite", "general-knowledge", "--limit", "4", "--threads", "1", "--quiet"
            ]).code == 0)
        for k in 1...2 {
            let r = await w.run(
                common + ["--shard", "\(k)/2", "--no-cache", "--output-dir", w.dir.path("out/shard-\(k)").path])
            #expect(r.code == 0, "\(r.err)")
        }
        // Forge every wrong item consistently: swap the log-likelihoods of the predicted and the
        // right answer, so the recorded (now correct) prediction is their argmax.
        var genuine: [URL: String] = [:]
        var forged = 0
        for k in 1...2 {
            let file = w.dir.path("out/shard-\(k)/items.jsonl")
            let text = try String(contentsOf: file, encoding: .utf8)
            genuine[file] = text
            var lines: [String] = []
            for line in text.split(separator: "\n") {
                var item = try JSONDecoder().decode(ItemResultProbe.self, from: Data(line.utf8))
                if !item.correct, var lls = item.loglikelihoods {
                    let letters = ["A", "B", "C", "D"]
                    if let p = letters.firstIndex(of: item.prediction), let g = letters.firstIndex(of: item.target),
                        p < lls.count, g < lls.count
                    {
                        lls.swapAt(p, g)
                        item.loglikelihoods = lls
                        item.prediction = item.target
                        item.correct = true
                        item.score = 1
                        forged += 1
                    }
                }
                lines.append(try item.reencode(line))
            }
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        }
        try #require(forged > 0, "no wrong letter-format item to forge")
        let imported = await w.run("eval", "import", w.dir.path("out").path)
        #expect(imported.code == 0, "a consistent forgery passes the import's own checks: \(imported.err)")
        let gate = await w.run(
            "gate", "--candidate", "s@q8_0", "--baseline", "s@q4_1", "--policy", policy, "--no-eval", "--threads", "1")
        #expect(gate.code == 2, "\(gate.out)\(gate.err)")
        #expect(gate.err.contains("disagrees with the native engine"), "\(gate.err)")
        #expect(gate.err.contains("has not passed a native re-score"), "\(gate.err)")

        for (file, text) in genuine { try text.write(to: file, atomically: true, encoding: .utf8) }
        #expect(await w.run("eval", "import", w.dir.path("out").path).code == 0)
        let honest = await w.run(
            "gate", "--candidate", "s@q8_0", "--baseline", "s@q4_1", "--policy", policy, "--no-eval", "--threads", "1",
            "--json")
        #expect([0, 1, 3].contains(honest.code), "\(honest.out)\(honest.err)")
        #expect(!honest.err.contains("disagrees"), "\(honest.err)")
        let rescores = try w.store().auditEvents().filter { $0.action == "evaluation_run.rescore" }
        #expect(rescores.count == 2)
        #expect(rescores.first?.payload.contains("\"passed\":false") == true)
        #expect(rescores.last?.payload.contains("\"passed\":true") == true)
    }
}

/// The fields of an `items.jsonl` line a forger edits; everything else is kept as written.
struct ItemResultProbe: Codable {
    var prediction: String
    var target: String
    var correct: Bool
    var score: Double
    var loglikelihoods: [Double]?

    func reencode(_ original: Substring) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        object["prediction"] = prediction
        object["correct"] = correct
        object["score"] = score
        if let loglikelihoods { object["loglikelihoods"] = loglikelihoods }
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
