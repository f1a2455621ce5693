using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw grants list|revoke</c>: what you allowed while approving, with scope and expiry, and taking it back.</summary>
public static class GrantsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("grants", "What approvals allowed from then on (for a run, an hour, today or always), and revoking it");
        var all = new Option<bool>("--all") { Description = "Include revoked and expired grants" };
        var list = new Command("list", "Grants, newest first, with their scope, expiry and how often each was used") { all };
        list.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var grants = await client.GetAsync<List<GrantView>>("api/grants" + (parse.GetValue(all) ? "?all=true" : ""), ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(grants);
                return 0;
            }

            Terminal.Table(["id", "agent", "capability", "match", "scope", "expires", "from", "used", "state"],
                grants.Select(g => (IReadOnlyList<string>)
                [
                    g.Id.ToString(CultureInfo.InvariantCulture), g.Agent, g.Capability, g.Match == "{}" ? "any arguments" : g.Match,
                    g.Scope == "run" ? $"run {g.RunId}" : g.Scope,
                    g.ExpiresAt is { } e ? Local(e) : g.Scope == "run" ? "when the run ends" : "never",
                    $"{g.Approval} by {g.CreatedBy}", g.Uses.ToString(CultureInfo.InvariantCulture), g.EndedAt is null ? "active" : g.EndReason ?? "ended",
                ]));
            return 0;
        }));

        var id = new Argument<long>("id") { Description = "Grant id (the number in 'grants list')" };
        var revoke = new Command("revoke", "End a grant now: the next call it would have allowed is asked again") { id };
        revoke.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var g = await client.PostAsync<GrantView>($"api/grants/{parse.GetValue(id)}/revoke", new { }, ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(g);
                return 0;
            }

            Terminal.Line($"revoked grant #{g.Id}: {g.Capability} for agent {g.Agent} ({g.Scope}, used {g.Uses} times)");
            return 0;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }

    private static string Local(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
