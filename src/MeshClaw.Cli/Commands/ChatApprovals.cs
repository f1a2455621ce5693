using MeshClaw.Cli.Gateway;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// A chat turn's held call, answered where the user is: "approve? [y/N, or allow like calls for r(un) h(our) t(oday)
/// a(lways)]" read from standard input (a run's, an hour's and today's grant allow the capability with any arguments,
/// "always" only these arguments), answered
/// through the API like any other answer. Asked only when standard input is a terminal (or with --ask-approvals);
/// otherwise the turn says how to answer and goes on waiting, as <c>meshclaw run</c> does.
/// </summary>
public sealed class ChatApprovals(GatewayClient client, bool ask)
{
    public async Task OnApprovalAsync(ApprovalView approval, CancellationToken ct)
    {
        Console.WriteLine();
        Console.Error.WriteLine(Terminal.Safe($"waiting for your approval {approval.Id}: {approval.Tool} {approval.Target} ({approval.Reason})"));
        if (!ask)
        {
            Console.Error.WriteLine($"answer with: meshclaw approvals approve|deny {approval.Id}, or in the dashboard");
            return;
        }

        Console.Error.Write("approve? [y/N, or allow like calls for r(un) h(our) t(oday) a(lways)] ");
        var answer = await Console.In.ReadLineAsync(ct);
        if (answer is null)
        {
            // End of input: nobody is left to answer here, so the call waits for an answer from elsewhere.
            Console.Error.WriteLine();
            Console.Error.WriteLine($"no answer given; it goes on waiting: meshclaw approvals approve|deny {approval.Id}, or in the dashboard");
            return;
        }

        var (verb, body) = answer.Trim().ToLowerInvariant() switch
        {
            "y" or "yes" => ("approve", new AnswerBody()),
            "r" or "run" => ("approve", new AnswerBody(For: "run")),
            "h" or "hour" => ("approve", new AnswerBody(For: "hour")),
            "t" or "today" => ("approve", new AnswerBody(For: "today")),
            "a" or "always" => ("approve", new AnswerBody(For: "always")),
            _ => ("deny", (AnswerBody?)null),
        };
        try
        {
            var decided = await client.PostAsync<ApprovalView>($"api/approvals/{approval.Id}/{verb}", (object?)body ?? new { }, ct);
            Terminal.Note($"{(verb == "approve" ? "approved" : "denied")} {decided.Id}" + ApprovalsCommand.GrantNote(decided, body?.For));
        }
        catch (GatewayRequestException ex)
        {
            // Answered elsewhere meanwhile, expired or withdrawn: the turn's stream tells how it goes on.
            Terminal.Error(ex.Message);
        }
    }
}
