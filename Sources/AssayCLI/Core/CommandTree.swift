/// The `assay` command tree. Every command is listed here exactly once; add yours to the
/// group it belongs to (create the group if it does not exist yet). Keep groups alphabetical.
public enum CommandTree {
    public static let root = CommandGroup(
        name: "assay",
        abstract: "Assay: model registry and evaluation harness for small language models.",
        children: [
            // Registry
            .group(
                "audit", "Verify, read, checkpoint (signed tree heads) and prove the append-only audit log.",
                [
                    AuditCheckpointCommand.self, AuditExportCommand.self, AuditKeygenCommand.self,
                    AuditLogCommand.self, AuditProofCommand.self, AuditVerifyCommand.self
                ]),
            .group(
                "dataset", "Register and inspect dataset versions.",
                [
                    DatasetListCommand.self, DatasetRegisterCommand.self, DatasetShowCommand.self,
                    DatasetCheckCommand.self
                ]),
            .command(InitCommand.self),
            .group(
                "lineage", "Record and show how model versions derive from each other.",
                [LineageAddCommand.self, LineageShowCommand.self]),
            .group(
                "model", "Register and inspect model versions.",
                [ModelListCommand.self, ModelRegisterCommand.self, ModelShowCommand.self]),
            // Inference core
            .command(InspectCommand.self),
            .command(PerplexityCommand.self),
            .command(QuantizeCommand.self),
            .command(RunCommand.self),
            .command(TokenizeCommand.self),
            // Evaluation
            .group(
                "eval", "Evaluate a model version on a suite; show, list, compare and import runs.",
                default: EvalCommand.self,
                [EvalCompareCommand.self, EvalImportCommand.self, EvalListCommand.self, EvalShowCommand.self]),
            .group(
                "suite", "Register, import and inspect evaluation suites.",
                [SuiteImportMMLUCommand.self, SuiteListCommand.self, SuiteRegisterCommand.self, SuiteShowCommand.self]),
            // Governance
            .group(
                "alias", "Move model aliases (protected ones under policy) and read their history.",
                [AliasHistoryCommand.self, AliasRollbackCommand.self, AliasSetCommand.self, AliasShowCommand.self]),
            .group(
                "approval", "Approval workflow: evaluate, submit, approve, reject, revoke, deprecate.",
                [
                    ApprovalApproveCommand.self, ApprovalCardCommand.self, ApprovalDeprecateCommand.self,
                    ApprovalEvaluateCommand.self, ApprovalRejectCommand.self, ApprovalRevokeCommand.self,
                    ApprovalStatusCommand.self, ApprovalSubmitCommand.self
                ]),
            .command(ExportCommand.self),
            .command(GateCommand.self),
            .group("policy", "Validate governance policy files.", [PolicyCheckCommand.self]),
            .group(
                "role", "Grant, revoke and list governance roles.",
                [RoleGrantCommand.self, RoleListCommand.self, RoleRevokeCommand.self]),
            // Service
            .command(ServeCommand.self),
            .group(
                "token", "Create, list and revoke API bearer tokens.",
                [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self]),
            .group(
                "webhook", "Subscribe URLs to signed registry events; inspect and run deliveries.",
                [
                    WebhookAddCommand.self, WebhookListCommand.self, WebhookRemoveCommand.self,
                    WebhookDeliveriesCommand.self, WebhookDeliverCommand.self
                ])
        ]
    )
}

extension CommandGroup.Child {
    /// A group of commands (no nested groups), listed in `help` in the order given.
    static func group(
        _ name: String, _ abstract: String, default defaultCommand: (any Command.Type)? = nil,
        _ commands: [any Command.Type]
    ) -> Self {
        .group(
            CommandGroup(
                name: name, abstract: abstract, defaultCommand: defaultCommand, children: commands.map(Self.command)))
    }
}
