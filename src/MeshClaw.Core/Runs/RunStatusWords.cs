namespace MeshClaw.Core.Runs;

/// <summary>How a run status reads to people, the same in the CLI, the dashboard, the audit log and the API's JSON (kebab-case).</summary>
public static class RunStatusWords
{
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.BudgetStopped => "budget-stopped",
        RunStatus.WaitingApproval => "waiting-approval",
        _ => status.ToString().ToLowerInvariant(),
    };
}
