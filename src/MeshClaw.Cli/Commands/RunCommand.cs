using System.CommandLine;
using System.Text.Json;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw run AGENT --message TEXT</c>: one run through the gateway, then its record. A call held for
/// approval is announced on stderr with the command that answers it.
/// </summary>
public static class RunCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var agent = new Argument<string>("agent") { Description = "Agent name" };
        var message = new Option<string>("--message", "-m") { Description = "What to ask the agent", Required = true };
        var attach = new Option<FileInfo?>("--attach") { Description = "A file to hand the agent with the message; its content is treated as untrusted (it cannot instruct the agent)" };
        var command = new Command("run", "Run an agent once and print the run: status, answer, tool calls, usage and cost") { agent, message, attach };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            ContentBody? content = null;
            if (parse.GetValue(attach) is { } file)
            {
                if (!file.Exists)
                {
                    Terminal.Error($"no file {file.FullName} to attach");
                    return CommandGuard.Usage;
                }

                content = new ContentBody($"file:{file.Name}", await File.ReadAllTextAsync(file.FullName, ct));
            }

            RunView? done = null;
            ApprovalView? waiting = null;
            try
            {
                await foreach (var (name, data) in client.StreamAsync("api/runs", new StartRunBody(parse.GetValue(agent)!, parse.GetValue(message)!, Stream: true, Trigger: "cli", Content: content), ct))
                {
                    if (name == "approval")
                    {
                        waiting = data.Deserialize<ApprovalView>(ApiJson.Options)!;
                        Console.Error.WriteLine($"waiting for your approval {waiting.Id}: {waiting.Tool} {waiting.Target} ({waiting.Reason}); answer with: meshclaw approvals approve|deny {waiting.Id}, or in the dashboard");
                    }
                    else if (name == "tool")
                    {
                        waiting = null;
                    }
                    else if (name == "done")
                    {
                        done = data.Deserialize<RunView>(ApiJson.Options);
                    }
                }
            }
            catch (OperationCanceledException) when (waiting is not null)
            {
                // Ctrl-C while a call waits for approval: the gateway keeps the run waiting rather than cancelling it.
                Terminal.Error($"stopped watching; run {waiting.RunId} goes on waiting for approval {waiting.Id}: meshclaw approvals approve|deny {waiting.Id}");
                return 130;
            }

            if (done is null)
            {
                Terminal.Error("the gateway closed the stream before the run ended; see: meshclaw runs list");
                return CommandGuard.Failed;
            }

            var detail = await client.GetAsync<RunView>($"api/runs/{done.Id}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(detail);
            }
            else
            {
                RunPrinter.Summary(detail, includeAnswer: true);
            }

            return detail.Status == RunStatus.Succeeded ? 0 : CommandGuard.Failed;
        }));
        return command;
    }
}
