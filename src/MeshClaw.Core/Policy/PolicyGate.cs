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

        if (plan.Forbidden is { } line)
        {
            // A line no approval can cross: denied, never asked, whatever the run's grants, rules or loosened defaults.
            return PolicyDecision.Deny(line);
        }

        var risk = plan.Risk;
        if (risk != ToolRisk.Read && security.Blocked is { } attack)
        {
            if (security.NamesBlockedItem(ItemsOf(plan, request.Arguments)))
            {
                return PolicyDecision.Deny($"this run met an attack ({attack}) and may not change what the refused call named");
            }

            if (!security.SuggestOnly)
            {
                return PolicyDecision.Ask($"this run met an attack earlier ({attack}): every further change needs approval");
            }
        }

        if (risk != ToolRisk.Read && security.SuggestOnly)
        {
            return PolicyDecision.Ask("suggest mode: every change in this run is a proposal for the user to approve");
        }

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
                // After untrusted content, a bulk change a model chose is what an injection asks for: denied. A
                // procedure's reviewed batch (the inbox's one-approval filing and drafts) still asks.
                if (security.Tainted && security.ModelChoosesCalls && security.Trigger.Kind != RunTriggerKind.System)
                {
                    return PolicyDecision.Deny($"bulk limit: this run read untrusted content ({string.Join(", ", security.TaintSources)}) and would change {changed} items with {tool.Capability}, more than {settings.BulkLimitPerRun}");
                }

                return PolicyDecision.Ask($"bulk limit: this run would change {changed} items with {tool.Capability}; more than {settings.BulkLimitPerRun} per run needs approval");
            }

            var lastHour = await rates.ChangedSinceAsync(agent.Name, tool.Capability, time.GetUtcNow().AddHours(-1), cancellationToken) + plan.Items;
            if (lastHour > settings.RatePerHour)
            {
                return PolicyDecision.Ask($"rate limit: {lastHour} items with {tool.Capability} in the last hour; more than {settings.RatePerHour} needs approval");
            }
        }

        if (rules.Match(agent.Name, tool.Capability, request.Arguments, GrantContext.For(request, time.GetUtcNow())) is { } rule)
        {
            await rules.UsedAsync(rule.Id, time.GetUtcNow(), cancellationToken);
            return PolicyDecision.Allow(rule.Scope == GrantScope.Always ? $"standing rule #{rule.Id}" : $"standing rule #{rule.Id} ({rule.Terms})");
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

    /// <summary>
    /// What a call names: its target and the values of its arguments that identify things (ids, paths, files, URLs,
    /// addresses), at any depth; not free text or settings such as an account name, which later calls share innocently.
    /// </summary>
    public static IReadOnlyList<string> ItemsOf(ToolCallPlan plan, System.Text.Json.JsonElement arguments)
    {
        var items = new List<string>();
        if (plan.Target is { Length: > 0 } target)
        {
            items.Add(target);
            // A command names its files among its words: `curl -T notes/a.txt URL` names notes/a.txt.
            items.AddRange(target.Split([' ', '\t', '\n', '"', '\'', '=', ';', '|', '&', '<', '>'], StringSplitOptions.RemoveEmptyEntries)
                .Where(w => w.Length >= 3 && w != target && (w.Contains('/', StringComparison.Ordinal) || w.Contains('.', StringComparison.Ordinal))));
        }

        Collect(arguments, null, items);
        return items;

        static void Collect(System.Text.Json.JsonElement element, string? key, List<string> into)
        {
            switch (element.ValueKind)
            {
                case System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number when key is not null && Identifies(key):
                    into.Add(element.ToString());
                    break;
                case System.Text.Json.JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Collect(property.Value, property.Name, into);
                    }

                    break;
                case System.Text.Json.JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, key, into);
                    }

                    break;
            }
        }

        static bool Identifies(string key) =>
            key.EndsWith("id", StringComparison.OrdinalIgnoreCase) || key.EndsWith("ids", StringComparison.OrdinalIgnoreCase)
            || key is "path" or "file" or "url" or "to" or "from" or "cc" or "bcc" or "draft" or "target" or "message" or "messages";
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
