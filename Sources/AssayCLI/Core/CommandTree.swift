/// The `assay` command tree. Every command is listed here exactly once; add yours to the
/// group it belongs to (create the group if it does not exist yet). Keep groups alphabetical.
public enum CommandTree {
    public static let root = CommandGroup(
        name: "assay",
        abstract: "Assay: model registry and evaluation harness for small language models.",
        children: [
            // Registry
            .group(
                CommandGroup(
                    name: "audit",
                    abstract: "Verify, read, checkpoint (signed tree heads) and prove the append-only audit log.",
                    children: [
                        .command(AuditCheckpointCommand.self), .command(AuditExportCommand.self),
                        .command(AuditKeygenCommand.self), .command(AuditLogCommand.self),
                        .command(AuditProofCommand.self), .command(AuditVerifyCommand.self)
                    ])),
            .group(
                CommandGroup(
                    name: "dataset", abstract: "Register and inspect dataset versions.",
                    children: [
                        .command(DatasetListCommand.self), .command(DatasetRegisterCommand.self),
                        .command(DatasetShowCommand.self),
                        .command(DatasetCheckCommand.self)
                    ])),
            .command(InitCommand.self),
            .group(
                CommandGroup(
                    name: "lineage", abstract: "Record and show how model versions derive from each other.",
                    children: [.command(LineageAddCommand.self), .command(LineageShowCommand.self)])),
            .group(
                CommandGroup(
                    name: "model", abstract: "Register and inspect model versions.",
                    children: [
                        .command(ModelListCommand.self), .command(ModelRegisterCommand.self),
                        .command(ModelShowCommand.self)
                    ])),
            // Inference core
            .command(InspectCommand.self),
            .command(PerplexityCommand.self),
            .command(QuantizeCommand.self),
            .command(RunCommand.self),
            .command(TokenizeCommand.self),
            // Evaluation
            .group(
                CommandGroup(
                    name: "eval", abstract: "Evaluate a model version on a suite; show, list, compare and import runs.",
                    defaultCommand: EvalCommand.self,
                    children: [
                        .command(EvalCompareCommand.self), .command(EvalImportCommand.self),
                        .command(EvalListCommand.self), .command(EvalShowCommand.self)
                    ])),
            .group(
                CommandGroup(
                    name: "suite", abstract: "Register, import and inspect evaluation suites.",
                    children: [
                        .command(SuiteImportMMLUCommand.self), .command(SuiteListCommand.self),
                        .command(SuiteRegisterCommand.self), .command(SuiteShowCommand.self)
                    ])),
            // Governance
            .group(
                CommandGroup(
                    name: "alias", abstract: "Move model aliases (protected ones under policy) and read their history.",
                    children: [
                        .command(AliasHistoryCommand.self), .command(AliasRollbackCommand.self),
                        .command(AliasSetCommand.self), .command(AliasShowCommand.self)
                    ])),
            .group(
                CommandGroup(
                    name: "approval",
                    abstract: "Approval workflow: evaluate, submit, approve, reject, revoke, deprecate.",
                    children: [
                        .command(ApprovalApproveCommand.self), .command(ApprovalCardCommand.self),
                        .command(ApprovalDeprecateCommand.self), .command(ApprovalEvaluateCommand.self),
                        .command(ApprovalRejectCommand.self), .command(ApprovalRevokeCommand.self),
                        .command(ApprovalStatusCommand.self), .command(ApprovalSubmitCommand.self)
                    ])),
            .command(ExportCommand.self),
            .command(GateCommand.self),
            .group(
                CommandGroup(
                    name: "policy", abstract: "Validate governance policy files.",
                    children: [.command(PolicyCheckCommand.self)])),
            .group(
                CommandGroup(
                    name: "role", abstract: "Grant, revoke and list governance roles.",
                    children: [
                        .command(RoleGrantCommand.self), .command(RoleListCommand.self),
                        .command(RoleRevokeCommand.self)
                    ])),
            // Service
            .command(ServeCommand.self),
            .group(
                CommandGroup(
                    name: "token", abstract: "Create, list and revoke API bearer tokens.",
                    children: [
                        .command(TokenCreateCommand.self), .command(TokenListCommand.self),
                        .command(TokenRevokeCommand.self)
                    ])),
            .group(
                CommandGroup(
                    name: "webhook", abstract: "Subscribe URLs to signed registry events; inspect and run deliveries.",
                    children: [
                        .command(WebhookAddCommand.self), .command(WebhookListCommand.self),
                        .command(WebhookRemoveCommand.self), .command(WebhookDeliveriesCommand.self),
                        .command(WebhookDeliverCommand.self)
                    ]))
        ]
    )
}
