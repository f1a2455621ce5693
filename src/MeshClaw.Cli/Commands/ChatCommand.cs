using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw chat [AGENT]</c>: an interactive session; each line is a run in one session, so the agent sees
/// the earlier questions and answers. Answers stream as they are written. Ends at EOF or /exit.
/// </summary>
public static class ChatCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var agentArgument = new Argument<string?>("agent") { Description = "Agent to talk to (default: the only agent, or 'assistant')", Arity = ArgumentArity.ZeroOrOne };
        var askApprovals = new Option<bool>("--ask-approvals")
        {
            Description = "Ask 'approve? [y/N/a(lways)]' on standard input when a call waits for approval even though it is not a terminal "
                + "(on a terminal it is always asked; piped input otherwise leaves the call waiting for 'meshclaw approvals')",
        };
        var suggestOnly = new Option<bool>("--suggest-only") { Description = "Start in suggest mode: every change is a proposal you approve (/suggest turns it on during a chat; it cannot be turned off in that chat)" };
        var command = new Command("chat", "Talk to an agent interactively, with streamed answers; a call held for approval is asked about inline") { agentArgument, askApprovals, suggestOnly };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var agent = parse.GetValue(agentArgument) ?? await DefaultAgentAsync(client, ct);
            var session = "chat_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var approvals = new ChatApprovals(client, ask: !Console.IsInputRedirected || parse.GetValue(askApprovals));
            var suggest = parse.GetValue(suggestOnly);
            if (Terminal.Interactive)
            {
                Terminal.Note($"chatting with {agent} (session {session}); /exit or Ctrl-D to leave");
            }

            while (!ct.IsCancellationRequested)
            {
                if (!Console.IsInputRedirected)
                {
                    Console.Write("> ");
                }

                var line = await Console.In.ReadLineAsync(ct);
                if (line is null || line.Trim() == "/exit")
                {
                    return 0;
                }

                if (line.Trim().Length == 0)
                {
                    continue;
                }

                if (line.Trim() == "/suggest")
                {
                    // One-way, like the run state it sets: a chat that asked for proposals only keeps asking for them.
                    suggest = true;
                    Terminal.Note("suggest mode: from now on every change is a proposal you approve, until this chat ends");
                    continue;
                }

                await TurnAsync(client, approvals, agent, line, session, suggest, ct);
            }

            return 0;
        }));
        return command;
    }

    private static async Task TurnAsync(Gateway.GatewayClient client, ChatApprovals approvals, string agent, string line, string session, bool suggest, CancellationToken ct)
    {
        try
        {
            await foreach (var (name, data) in client.StreamAsync("api/runs", new StartRunBody(agent, line, session, Stream: true, SuggestOnly: suggest), ct))
            {
                switch (name)
                {
                    case "text":
                        Console.Write(data.GetProperty("delta").GetString());
                        break;
                    case "tool":
                        Console.WriteLine();
                        Terminal.Note(RunPrinter.ToolLine(data.Deserialize<ToolCallView>(ApiJson.Options)!));
                        break;
                    case "approval":
                        await approvals.OnApprovalAsync(data.Deserialize<ApprovalView>(ApiJson.Options)!, ct);
                        break;
                    case "done":
                        var run = data.Deserialize<RunView>(ApiJson.Options)!;
                        Console.WriteLine();
                        Terminal.Note($"[{RunPrinter.Status(run.Status)}{(run.Reason is null ? "" : ": " + run.Reason)}] {RunPrinter.UsageLine(run.Usage)}");
                        break;
                }
            }
        }
        catch (Gateway.GatewayRequestException ex)
        {
            // One failed turn (no model configured, say) does not end the session.
            Terminal.Error(ex.Message);
        }
    }

    private static async Task<string> DefaultAgentAsync(Gateway.GatewayClient client, CancellationToken ct)
    {
        var agents = await client.GetAsync<AgentListView>("api/agents", ct);
        return agents.Agents.Count == 1 ? agents.Agents[0].Name : "assistant";
    }
}
