using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw approvals list|show|approve|deny</c>: answer the calls MeshClaw held for you.</summary>
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

        var id = new Argument<string>("id") { Description = "Approval id (apr_...)" };
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

        var always = new Option<bool>("--always") { Description = "Also allow this agent to make calls like this one from now on (a standing rule)" };
        var match = new Option<string[]>("--match") { Description = "With --always: the argument names whose values the rule must match (default: all)", AllowMultipleArgumentsPerToken = true };
        var approve = new Command("approve", "Let the held call run") { id, always, match };
        approve.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var body = new AnswerBody(parse.GetValue(always), parse.GetValue(match) is { Length: > 0 } m ? m : null);
            var a = await client.PostAsync<ApprovalView>($"api/approvals/{parse.GetValue(id)}/approve", body, ct);
            Terminal.Line($"approved {a.Id}: {a.Tool} for agent {a.Agent}" + (a.StandingRuleId is { } r ? $"; standing rule #{r} created" : ""));
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
}
