import Foundation
import Hashing
import Registry

/// `assay audit verify`
struct AuditVerifyCommand: Command {
    static let help = CommandHelp(
        "verify",
        abstract: "Recompute the audit hash chain and check signed checkpoints; exit 1 naming the first problem.",
        usage: "[--checkpoint FILE]... [--public-key HEX|FILE] [--json]",
        discussion: """
            Without --checkpoint: recomputes the hash chain (Registry/README.md documents the hash so it
            can be checked offline). The chain alone is unkeyed: someone who can write the database can
            delete the newest events or rewrite one and recompute every later hash.

            With --checkpoint (repeatable): also checks each signed tree head written earlier by
            'assay audit checkpoint' — its Ed25519 signature under --public-key, and that the log still
            extends it (the Merkle root of its first tree_size events is unchanged). Truncation, a
            rewritten event or reordered events are reported per checkpoint. See docs/audit.md.
            """,
        options: [
            .repeated("--checkpoint", "FILE", "A checkpoint JSON file from 'assay audit checkpoint' (repeatable)"),
            .value(
                "--public-key", "HEX|FILE",
                "The trusted Ed25519 public key (64 hex digits, or a file holding them); required with --checkpoint")
        ],
        examples: [
            "assay audit verify", "assay audit verify --json",
            "assay audit verify --checkpoint ci/checkpoints/0042.json --public-key audit.pub"
        ])

    var checkpoints: [String]
    var publicKey: String?

    init(arguments: inout Arguments) throws(CLIError) {
        checkpoints = try arguments.options("--checkpoint")
        publicKey = try arguments.option("--public-key")
        try arguments.finish()
        if !checkpoints.isEmpty && publicKey == nil {
            throw .usage(
                "--checkpoint needs --public-key HEX|FILE (the key you trust, not the one inside the checkpoint)")
        }
        if checkpoints.isEmpty && publicKey != nil { throw .usage("--public-key is only used with --checkpoint FILE") }
    }

    struct Report: Encodable {
        var chain: EncodableJSON
        var checkpoints: [AuditCheckpointCheck]
    }

    func run(context: CommandContext) async throws -> Int32 {
        var parsed: [AuditCheckpoint] = []
        var key: [UInt8] = []
        if let publicKey {
            key = try AuditCommandSupport.keyOrFailure { () throws(AuditKeyError) in
                try AuditSigningKey.readPublicKey(publicKey, resolve: context.resolve)
            }
            for file in checkpoints {
                let url = context.resolve(file)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw CLIError.failure("cannot read checkpoint \(url.path)")
                }
                do { parsed.append(try AuditCheckpoint.parse(Array(data))) } catch {
                    throw CLIError.failure("\(url.path): \(error.description)")
                }
            }
        }
        let store = try context.openRegistry()
        let result = try store.verifyAudit()
        let checks = parsed.isEmpty ? nil : try store.checkAuditCheckpoints(parsed, publicKey: key)
        if context.json {
            if let checks {
                try context.printJSON(
                    Report(chain: EncodableJSON(Representation.verification(result)), checkpoints: checks))
            } else {
                try context.printJSON(Representation.verification(result))
            }
        } else {
            if result.isIntact {
                context.print("audit chain intact: \(result.eventCount) events, head \(result.headHash)")
            }
            for (file, check) in zip(checkpoints, checks ?? []) {
                context.print(
                    "checkpoint \(file) (\(check.treeSize) events, \(check.timestamp)): \(check.status.rawValue) — \(check.detail)"
                )
            }
        }
        var failed = false
        if let broken = result.firstBreak {
            context.printError("assay: audit chain broken at event \(broken.seq): \(broken.reason)")
            failed = true
        }
        for (file, check) in zip(checkpoints, checks ?? []) where !check.isConsistent {
            context.printError("assay: checkpoint \(file): \(check.status.rawValue): \(check.detail)")
            failed = true
        }
        return failed ? ExitCode.failure : ExitCode.success
    }
}

enum AuditCommandSupport {
    static func keyOrFailure<T>(_ body: () throws(AuditKeyError) -> T) throws(CLIError) -> T {
        do { return try body() } catch { throw .failure(error.description) }
    }
}

/// `assay audit keygen`
struct AuditKeygenCommand: Command {
    static let help = CommandHelp(
        "keygen", abstract: "Create an Ed25519 key pair for signing audit checkpoints.",
        usage: "--key FILE [--json]",
        discussion: """
            Writes the secret seed (64 hex digits, mode 0600) to FILE and the public key to FILE.pub.
            Keep FILE outside the registry home — whoever can write the database must not hold the
            signing key — e.g. in the CI secret store. Refuses to overwrite an existing file.
            """,
        options: [.value("--key", "FILE", "Where to write the secret key (FILE.pub gets the public key)")],
        examples: ["assay audit keygen --key ~/.config/assay/audit.key"])

    var key: String

    init(arguments: inout Arguments) throws(CLIError) {
        key = try arguments.required("--key", missing: "give --key FILE for the secret key")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let url = context.resolve(key)
        try AuditCommandSupport.refuseInsideHome(url, context: context)
        let seed = try AuditCommandSupport.keyOrFailure { () throws(AuditKeyError) in try AuditSigningKey.generateSeed()
        }
        let publicKey = try AuditCommandSupport.keyOrFailure { () throws(AuditKeyError) in
            do { return try Ed25519.publicKey(seed: seed) } catch { throw .invalidKey(String(describing: error)) }
        }
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CLIError.failure(
                errno == EEXIST
                    ? "\(url.path) exists already (not overwritten)"
                    : "cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        let text = Array((Hex.encode(seed) + "\n").utf8)
        let written = text.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == text.count, synced else { throw CLIError.failure("cannot write \(url.path)") }
        let pub = url.appendingPathExtension("pub")
        do { try Data((Hex.encode(publicKey) + "\n").utf8).write(to: pub, options: .withoutOverwriting) } catch {
            throw CLIError.failure("cannot write \(pub.path) (exists already?)")
        }
        return try context.respond(json: [
            "secret_key_file": url.path, "public_key_file": pub.path,
            "public_key": Hex.encode(publicKey), "key_id": AuditCheckpoint.keyID(publicKey)
        ]) {
            context.print("secret key: \(url.path) (mode 0600; keep it out of the registry home)")
            context.print(
                "public key: \(Hex.encode(publicKey)) (also in \(pub.path)), key id \(AuditCheckpoint.keyID(publicKey))"
            )
        }
    }
}

extension AuditCommandSupport {
    /// The signing key must not live in the registry home (next to the database it vouches for).
    static func refuseInsideHome(_ url: URL, context: CommandContext) throws(CLIError) {
        let home =
            ArtifactSafety.canonicalPath(context.registryHome.path) ?? context.registryHome.standardizedFileURL.path
        let directory =
            ArtifactSafety.canonicalPath(url.deletingLastPathComponent().path) ?? url.deletingLastPathComponent().path
        if ArtifactSafety.isInside(directory + "/" + url.lastPathComponent, home) {
            throw .usage("the signing key must be kept outside the registry home (\(home))")
        }
    }
}

/// `assay audit checkpoint`
struct AuditCheckpointCommand: Command {
    static let help = CommandHelp(
        "checkpoint",
        abstract: "Sign the current audit tree head (event count, Merkle root, time) with an Ed25519 key.",
        usage: "--key FILE [--output FILE]",
        discussion: """
            Prints (or writes to --output) a checkpoint JSON: format, tree_size, root_hash (RFC 9162
            Merkle tree over the events), timestamp, public_key, key_id and signature. Store every
            checkpoint somewhere the registry's writers cannot change (CI artifacts, a witness); later,
            'assay audit verify --checkpoint FILE --public-key KEY' — or docs/audit.md's script with only
            the checkpoint, the public key and the HTTP API — proves the log still extends it.
            """,
        options: [
            .value("--key", "FILE", "The secret key file from 'assay audit keygen' (kept outside the registry home)"),
            .value(
                "--output", "FILE", "Write the checkpoint here (refuses to overwrite) instead of stdout", hidden: "-o")
        ],
        examples: ["assay audit checkpoint --key ~/.config/assay/audit.key --output checkpoints/$(date +%s).json"])

    var key: String
    var output: String?

    init(arguments: inout Arguments) throws(CLIError) {
        key = try arguments.required("--key", missing: "give --key FILE (see 'assay audit keygen')")
        output = try arguments.option("--output")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let url = context.resolve(key)
        try AuditCommandSupport.refuseInsideHome(url, context: context)
        let seed = try AuditCommandSupport.keyOrFailure { () throws(AuditKeyError) in
            try AuditSigningKey.readSeed(at: url)
        }
        let store = try context.openRegistry()
        let verification = try store.verifyAudit()
        if let broken = verification.firstBreak {
            throw CLIError.failure("refusing to sign a broken chain: audit event \(broken.seq): \(broken.reason)")
        }
        let checkpoint = try store.auditCheckpoint(seed: seed)
        let text = try CommandContext.jsonText(checkpoint)
        if let output {
            let target = context.resolve(output)
            do { try Data(text.utf8).write(to: target, options: .withoutOverwriting) } catch {
                throw CLIError.failure("cannot write \(target.path) (exists already, or the directory is missing)")
            }
            context.progress(
                "checkpoint of \(checkpoint.treeSize) events (root \(checkpoint.rootHash.prefix(16))…) written to \(target.path)"
            )
        } else {
            context.output.out(text)
        }
        return ExitCode.success
    }
}

/// `assay audit proof`
struct AuditProofCommand: Command {
    static let help = CommandHelp(
        "proof",
        abstract: "Print an RFC 9162 inclusion proof for one event, or a consistency proof between two tree sizes.",
        usage: "(--event SEQ | --from SIZE) [--tree-size N]",
        discussion: "JSON on stdout. --tree-size defaults to the current number of events.",
        options: [
            .integer("--event", "SEQ", in: 1...Int(Int64.max), "Inclusion proof of this event"),
            .integer(
                "--from", "SIZE", in: 0...Int(Int64.max),
                "Consistency proof from the tree of SIZE events (e.g. an old checkpoint's tree_size)"),
            .integer("--tree-size", "N", in: 0...Int(Int64.max), "The later tree (default: all events)")
        ],
        examples: ["assay audit proof --event 17", "assay audit proof --from 120"])

    var event: Int?
    var from: Int?
    var treeSize: Int?

    init(arguments: inout Arguments) throws(CLIError) {
        event = try arguments.int("--event")
        from = try arguments.int("--from")
        treeSize = try arguments.int("--tree-size")
        try arguments.finish()
        guard (event == nil) != (from == nil) else { throw .usage("give exactly one of --event SEQ and --from SIZE") }
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        do {
            if let event {
                try context.printJSON(
                    try store.auditInclusionProof(seq: Int64(event), treeSize: treeSize.map(Int64.init)))
            } else if let from {
                try context.printJSON(
                    try store.auditConsistencyProof(first: Int64(from), second: treeSize.map(Int64.init)))
            }
        } catch let error as AuditKeyError {
            throw CLIError.failure(error.description)
        }
        return ExitCode.success
    }
}

/// `assay audit log`
struct AuditLogCommand: Command {
    static let help = CommandHelp(
        "log", abstract: "Print audit events, oldest first (the newest 50 unless --limit/--after say otherwise).",
        usage: "[--limit N] [--after SEQ] [--json]",
        options: [
            .integer("--limit", "N", in: 1...1_000_000, "How many events (default 50)"),
            .integer("--after", "SEQ", in: 0...Int.max, "Only events after this sequence number (oldest first)")
        ],
        examples: ["assay audit log --limit 10", "assay audit log --after 100 --json"])

    var limit: Int
    var after: Int?

    init(arguments: inout Arguments) throws(CLIError) {
        limit = try arguments.int("--limit") ?? 50
        after = try arguments.int("--after")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let events =
            try after.map { try store.auditEvents(after: Int64($0), limit: limit) }
            ?? store.latestAuditEvents(limit)
        return try context.respond(
            json: ["items": .array(events.map(Representation.auditEvent))],
            table: TextTable(
                ["SEQ", "TIME", "ACTOR", "ACTION", "SUBJECT", "HASH"], rightAligned: [0],
                rows: events.map { e in [String(e.seq), e.time, e.actor, e.action, e.subject, String(e.hash.prefix(16))]
                }))
    }
}
