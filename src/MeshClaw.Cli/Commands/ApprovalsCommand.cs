using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw approvals list|show|approve|deny</c>: answer the calls MeshClaw held for you, and grant calls like them for a run, an hour, today or always.</summary>
public static class ApprovalsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("approvals", "Tool calls waiting for your decision");
        var all = new Option<bool>("--all") { Description = "Include answered and expired approvals" };
        var list = new Command("list", "Pending approvals (oldest first), with why each was asked") { all };
        list.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var approvals = await client.GetAsync<List<ApprovalView>>("api/approvals" + (parse.GetValue(all) ? "?all=true" : ""), ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(approvals);
                return 0;
            }

            Terminal.Table(["id", "status", "agent", "tool", "target", "why", "expires"],
                approvals.Select(a => (IReadOnlyList<string>)
                [
                    a.Id, a.Status.ToString().ToLowerInvariant(), a.Agent, a.Tool, a.Target ?? "", a.Reason,
                    a.ExpiresAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ]));
            return 0;
        }));

        var id = new Argument<string>("id") { Description = "Approval id (apr_...)" }.Checked("approval");
        var show = new Command("show", "One approval with its full arguments") { id };
        show.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var a = await client.GetAsync<ApprovalView>($"api/approvals/{parse.GetValue(id)}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(a);
                return 0;
            }

            Terminal.Line($"{a.Id}  {a.Status.ToString().ToLowerInvariant()}  run {a.RunId}  agent {a.Agent}");
            Terminal.Line($"tool:      {a.Tool} ({a.Capability})");
            Terminal.Line($"target:    {a.Target}");
            Terminal.Line($"why asked: {a.Reason}");
            Terminal.Line($"expires:   {a.ExpiresAt.ToLocalTime():u}");
            Terminal.Line($"arguments: {a.Arguments}");
            return 0;
        }));

        var always = new Option<bool>("--always") { Description = "The same as --for always" };
        var scope = new Option<string?>("--for")
        {
            Description = "Also allow calls like this one without asking: for this run (and its sub-runs), an hour, the rest of today, or always (a standing rule)",
        };
        scope.AcceptOnlyFromAmong("run", "hour", "today", "always");
        var match = new Option<string[]>("--match")
        {
            Description = "With --for: the argument names (comma-separated or repeated) whose values later calls must repeat; * for all. "
                + "Default: any arguments for run, hour and today; all of them for always",
            AllowMultipleArgumentsPerToken = true,
        };
        var approve = new Command("approve", "Let the held call run") { id, scope, always, match };
        approve.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var fields = parse.GetValue(match)?.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var body = new AnswerBody(parse.GetValue(always), fields is { Count: > 0 } ? fields : null, parse.GetValue(scope));
            var a = await client.PostAsync<ApprovalView>($"api/approvals/{parse.GetValue(id)}/approve", body, ct);
            Terminal.Line($"approved {a.Id}: {a.Tool} for agent {a.Agent}" + GrantNote(a, body.For ?? (body.Always ? "always" : null)));
            return 0;
        }));

        var deny = new Command("deny", "Refuse the held call; the agent is told") { id };
        deny.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var a = await client.PostAsync<ApprovalView>($"api/approvals/{parse.GetValue(id)}/deny", new { }, ct);
            Terminal.Line($"denied {a.Id}: {a.Tool} for agent {a.Agent}");
            return 0;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(approve);
        command.Subcommands.Add(deny);
        return command;
    }

    /// <summary>What an approval's answer granted, as the CLI and chat say it.</summary>
    public static string GrantNote(ApprovalView approval, string? scope) => approval.StandingRuleId is not { } rule ? ""
        : scope is null or "always" ? $"; standing rule #{rule} created"
        : $"; grant #{rule} created ({(scope == "run" ? "for this run" : scope == "hour" ? "for 1 hour" : "until midnight")}; see meshclaw grants list)";
}
