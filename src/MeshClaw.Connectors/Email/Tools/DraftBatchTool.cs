using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Saves several draft replies in one call (triage uses it): one policy decision and one journal entry for all of a
/// run's drafts, so more drafts than the bulk limit are one approval, not one per draft. Each draft's Message-ID is
/// derived from the run and the message it answers, so a batch cut short and tried again, or reconciled after a crash,
/// finds the drafts already saved instead of writing them twice. Undo moves the drafts to the quarantine folder.
/// </summary>
public sealed class DraftBatchTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    public const int MaxDrafts = 200;

    public override string Name => "email_draft_batch";
    public override string Capability => "email.draft";
    public override ToolRisk Risk => ToolRisk.ReversibleWrite;
    public override string Description => "Saves several draft replies at once (none is sent): drafts is a list of {id, body}.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"drafts":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"body":{"type":"string"}},"required":["id","body"]}}},"required":["drafts"],"additionalProperties":false}
        """);

    public override Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var drafts = Drafts(arguments);
        return Task.FromResult(new ToolCallPlan(Risk) { Items = drafts.Count, Target = $"{drafts.Count} draft repl{(drafts.Count == 1 ? "y" : "ies")} in Drafts" });
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var folder = Folder(arguments, context);
        var existing = await mailbox.DraftsFolderAsync(cancellationToken);
        var saved = new List<(string Original, string Draft)>();
        var waiting = new List<string>();
        var missing = new List<string>();
        string? failure = null;
        foreach (var (id, body) in Drafts(arguments))
        {
            var draftId = DraftId(context, id);
            try
            {
                if (await mailbox.ContainsAsync(existing, draftId, cancellationToken))
                {
                    saved.Add((id, draftId));
                    continue;
                }

                var original = await mailbox.ReadAsync(folder, id, cancellationToken);
                if (!string.IsNullOrEmpty(original.MessageId)
                    && (await mailbox.FindByHeaderAsync(existing, "In-Reply-To", original.MessageId, DraftReplyTool.MarkHeader, cancellationToken)).Any(d => d.Mark is not null))
                {
                    // A draft MeshClaw saved before (a run killed before it could record it) still waits: not a second one.
                    waiting.Add(id);
                    continue;
                }

                var draft = DraftReplyTool.Reply(original, mailbox.Account.FromAddress, body, context.Time.GetUtcNow());
                draft.MessageId = draftId;
                draft.Headers.Add(DraftReplyTool.MarkHeader, context.Action?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
                existing = await mailbox.AppendDraftAsync(draft, cancellationToken);
                saved.Add((id, draftId));
            }
            catch (MailNotFoundException)
            {
                missing.Add(id);
            }
            catch (MailConnectionException ex)
            {
                // What was saved stays undoable; the rest is reported, never silently dropped.
                failure = ex.Message;
                break;
            }
        }

        var text = $"saved {saved.Count} draft repl{(saved.Count == 1 ? "y" : "ies")} in {existing}; none was sent"
            + (waiting.Count > 0 ? $"; a draft already waits in {existing} for {waiting.Count} of them (no second one saved)" : "")
            + (missing.Count > 0 ? $"; {missing.Count} original(s) no longer found: {string.Join(", ", missing.Take(20))}" : "")
            + (failure is null ? "" : $"; stopped early: {failure}");
        return new ToolResult(text, IsError: failure is not null && saved.Count == 0)
        {
            Data = JsonSerializer.SerializeToElement(saved.Select(s => s.Original).Concat(waiting).ToList(), MailData.Json),
            Inverse = saved.Count == 0 ? null : new ToolInverse("email_file_batch", JsonSerializer.SerializeToElement(new
            {
                account = mailbox.Account.Name, moves = saved.Select(s => new { id = s.Draft, folder = existing, to = mailbox.Account.QuarantineFolder }),
            })),
        };
    }

    public override async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var mailbox = MailboxFor(arguments);
        var drafts = Drafts(arguments);
        var folder = await mailbox.DraftsFolderAsync(cancellationToken);
        var done = 0;
        foreach (var (id, _) in drafts)
        {
            if (await mailbox.ContainsAsync(folder, DraftId(context, id), cancellationToken))
            {
                done++;
            }
        }

        return done == drafts.Count ? ReconcileOutcome.Done : done == 0 ? ReconcileOutcome.NotDone : ReconcileOutcome.Unknown;
    }

    /// <summary>The same run answering the same message always gets the same draft Message-ID.</summary>
    public static string DraftId(ToolContext context, string originalId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{context.Run.Value}\n{originalId}"));
        return $"draft-{Convert.ToHexStringLower(hash.AsSpan(0, 12))}@meshclaw.local";
    }

    private static List<(string Id, string Body)> Drafts(JsonElement arguments)
    {
        if (!arguments.TryGetProperty("drafts", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxDrafts)
        {
            throw new ToolArgumentException($"'drafts' must list 1 to {MaxDrafts} drafts of {{id, body}}");
        }

        return [.. list.EnumerateArray().Select(d => (ToolArguments.RequiredString(d, "id"), ToolArguments.RequiredString(d, "body")))];
    }
}
