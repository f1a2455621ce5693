using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Core.Policy;

/// <summary>
/// MeshClaw's policy: allow, ask or deny for every tool call, from the pause switch, grants, the run's taint,
/// risk class, quiet hours, bulk and rate limits, standing rules and the user's loosened defaults. The model
/// cannot argue with it: nothing here reads the prompt.
/// </summary>
public sealed class PolicyGate(Func<PolicySettings> currentSettings, IStandingRules rules, IPauseSwitch pause, IActionRates rates, TimeProvider time)
    : IToolCallGate
{
    private const string DelegationCapability = "agents.delegate";

    public async ValueTask<PolicyDecision> DecideAsync(ToolCallRequest request, CancellationToken cancellationToken)
    {
        var (agent, tool, plan, security) = (request.Agent, request.Tool, request.Plan, request.Security);
        var settings = currentSettings();
        if (pause.IsPaused && !security.Interactive)
        {
            return PolicyDecision.Deny("MeshClaw is paused; autonomous runs may not act until 'meshclaw resume'");
        }

        if (!ToolCatalog.IsGranted(tool, agent.Tools))
        {
            return PolicyDecision.Deny($"agent '{agent.Name}' has no grant for {tool.Capability} (tool {tool.Name})");
        }

        var risk = plan.Risk;
        if (security.Trigger.Kind == RunTriggerKind.System && !security.Tainted
            && security.SystemAllowances.FirstOrDefault(a => a.Agent == agent.Name && a.Capability == tool.Capability) is { } decided)
        {
            return PolicyDecision.Allow($"system procedure: {decided.Reason}");
        }

        // An allow-listed command in the sandbox without network cannot send what the run read anywhere: taint does not hold it.
        if (security.Tainted && risk is ToolRisk.SendsOutside or ToolRisk.ExecutesCode or ToolRisk.ChangesMeshClaw
            && !(risk == ToolRisk.ExecutesCode && plan.Contained && plan.AllowListed))
        {
            return PolicyDecision.Ask($"the run has read untrusted content ({string.Join(", ", security.TaintSources)}) and this call {Describe(risk)}");
        }

        if (tool.Capability == DelegationCapability)
        {
            // Fan-out is limited for the whole run tree, by the gate rather than the prompt: a deny, never an ask.
            if (security.Depth + 1 > settings.SubagentDepth)
            {
                return PolicyDecision.Deny($"sub-agents may nest at most {settings.SubagentDepth} deep (policy.subagentDepth); this run is already {security.Depth} deep");
            }

            if (!security.TryTakeDelegation(settings.SubagentCallsPerRun))
            {
                return PolicyDecision.Deny($"this run has made its {settings.SubagentCallsPerRun} sub-agent calls (policy.subagentCallsPerRun, counted over the run and its sub-runs)");
            }
        }

        if (risk == ToolRisk.Read)
        {
            return PolicyDecision.Allow("reading is allowed");
        }

        if (!security.Interactive && agent.QuietHours is { } quiet && quiet.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), settings.TimeZone).DateTime)))
        {
            return PolicyDecision.Ask($"quiet hours ({quiet}) for agent '{agent.Name}': changes wait for the user");
        }

        if (risk is ToolRisk.ReversibleWrite or ToolRisk.IrreversibleWrite)
        {
            var changed = security.ChangedSoFar(tool.Capability) + plan.Items;
            if (changed > settings.BulkLimitPerRun)
            {
                return PolicyDecision.Ask($"bulk limit: this run would change {changed} items with {tool.Capability}; more than {settings.BulkLimitPerRun} per run needs approval");
            }

            var lastHour = await rates.ChangedSinceAsync(agent.Name, tool.Capability, time.GetUtcNow().AddHours(-1), cancellationToken) + plan.Items;
            if (lastHour > settings.RatePerHour)
            {
                return PolicyDecision.Ask($"rate limit: {lastHour} items with {tool.Capability} in the last hour; more than {settings.RatePerHour} needs approval");
            }
        }

        if (rules.Match(agent.Name, tool.Capability, request.Arguments) is { } rule)
        {
            return PolicyDecision.Allow($"standing rule #{rule.Id}");
        }

        if (settings.Loosened.Any(l => l.Agent == agent.Name && l.Capability == tool.Capability))
        {
            return PolicyDecision.Allow($"loosened for agent '{agent.Name}' in config.json");
        }

        return risk switch
        {
            ToolRisk.ReversibleWrite => PolicyDecision.Allow("reversible change within limits"),
            ToolRisk.ExecutesCode or ToolRisk.SendsOutside when plan.AllowListed => PolicyDecision.Allow(plan.Contained ? "on the allow-list, in the sandbox without network" : "on the allow-list"),
            _ => PolicyDecision.Ask($"this call {Describe(risk)}, which needs approval by default"),
        };
    }

    private static string Describe(ToolRisk risk) => risk switch
    {
        ToolRisk.IrreversibleWrite => "cannot be undone",
        ToolRisk.SendsOutside => "sends data outside",
        ToolRisk.ExecutesCode => "executes code",
        ToolRisk.ChangesMeshClaw => "changes MeshClaw itself (grants, budgets, schedules, policy or config)",
        _ => "changes something",
    };
}
