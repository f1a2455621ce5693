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
        var message = new Option<string?>("--message", "-m") { Description = "What to ask the agent; - reads it from standard input" };
        var messageFile = new Option<FileInfo?>("--message-file") { Description = "Read what to ask the agent from a file (your own words, unlike --attach)" };
        var attach = new Option<FileInfo?>("--attach") { Description = "A file to hand the agent with the message; its content is treated as untrusted (it cannot instruct the agent)" };
        var suggestOnly = new Option<bool>("--suggest-only") { Description = "Suggest mode: every change the agent would make is shown as a proposal for you to approve; nothing in the run can lift it" };
        var command = new Command("run", "Run an agent once and print the run: status, answer, tool calls, usage and cost") { agent, message, messageFile, attach, suggestOnly };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            if (await MessageOf(parse.GetValue(message), parse.GetValue(messageFile), ct) is not { } text)
            {
                return CommandGuard.Usage;
            }

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
                await foreach (var (name, data) in client.StreamAsync("api/runs", new StartRunBody(parse.GetValue(agent)!, text, Stream: true, Trigger: "cli", Content: content, SuggestOnly: parse.GetValue(suggestOnly)), ct))
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

    /// <summary>The message from -m, standard input (-m -) or a file; null, with the reason printed, when there is none.</summary>
    private static async Task<string?> MessageOf(string? message, FileInfo? file, CancellationToken cancellationToken)
    {
        if ((message is null) == (file is null))
        {
            Terminal.Error("give the message once: -m TEXT, -m - (standard input) or --message-file FILE");
            return null;
        }

        if (file is not null && !file.Exists)
        {
            Terminal.Error($"no file {file.FullName} to read the message from");
            return null;
        }

        var text = file is not null ? await File.ReadAllTextAsync(file.FullName, cancellationToken)
            : message == "-" ? await Console.In.ReadToEndAsync(cancellationToken)
            : message!;
        if (string.IsNullOrWhiteSpace(text))
        {
            Terminal.Error(file is not null ? $"{file.FullName} is empty: there is nothing to ask" : "the message is empty: there is nothing to ask");
            return null;
        }

        return text;
    }
}
