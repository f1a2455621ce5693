using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw rules list|accept ID|reject ID</c>: the rules dreams proposed from repeated decisions, and the user's word on them.</summary>
public static class RulesCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("rules", "Rules learned from repeated triage decisions: list them, accept or reject proposals");
        command.Subcommands.Add(List(globals));
        command.Subcommands.Add(Decide(globals, accept: true));
        command.Subcommands.Add(Decide(globals, accept: false));
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var status = new Option<string?>("--status") { Description = "Only rules that are proposed, accepted, rejected or retired" };
        var command = new Command("list", "The learned rules, newest first, with their evidence") { status };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var wanted = parse.GetValue(status);
            var rules = await client.GetAsync<List<LearnedRuleView>>(wanted is null ? "api/learned-rules" : $"api/learned-rules?status={Uri.EscapeDataString(wanted)}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(rules);
                return 0;
            }

            if (rules.Count == 0)
            {
                Terminal.Line("no learned rules" + (wanted is null ? " yet; dream with: meshclaw dream" : $" {wanted}"));
                return 0;
            }

            Terminal.Table(["id", "status", "rule", "hits", "corrected", "evidence"], rules.Select(r => (IReadOnlyList<string>)
            [
                r.Id.ToString(CultureInfo.InvariantCulture), r.Status, $"{(r.Match == "list" ? "list " : "")}{r.Key} -> {r.Category}",
                r.Hits.ToString(CultureInfo.InvariantCulture), r.Corrected.ToString(CultureInfo.InvariantCulture), r.RetiredWhy ?? r.Evidence,
            ]));
            if (rules.Any(r => r.Status == "proposed"))
            {
                Terminal.Note("accept or reject a proposal with: meshclaw rules accept|reject ID");
            }

            return 0;
        }));
        return command;
    }

    private static Command Decide(GlobalOptions globals, bool accept)
    {
        var id = new Argument<long>("id") { Description = "The rule's id (meshclaw rules list)" };
        var command = new Command(accept ? "accept" : "reject", accept
            ? "Accept a proposed rule: triage applies it before any model call, at zero tokens"
            : "Reject a proposed rule: it is never proposed again") { id };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var rule = await client.PostAsync<LearnedRuleView>($"api/learned-rules/{parse.GetValue(id).ToString(CultureInfo.InvariantCulture)}/{(accept ? "accept" : "reject")}", new { }, ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(rule);
            }
            else
            {
                Terminal.Line($"rule #{rule.Id} {rule.Status}: {(rule.Match == "list" ? "mail on list " : "mail from ")}{rule.Key} -> {rule.Category}");
            }

            return 0;
        }));
        return command;
    }
}
