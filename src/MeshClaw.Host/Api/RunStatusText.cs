using MeshClaw.Core.Runs;

namespace MeshClaw.Host.Api;

/// <summary>How a run status reads to people, the same in the CLI, the dashboard and the API's JSON (kebab-case).</summary>
public static class RunStatusText
{
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.BudgetStopped => "budget-stopped",
        RunStatus.WaitingApproval => "waiting-approval",
        _ => status.ToString().ToLowerInvariant(),
    };
}
