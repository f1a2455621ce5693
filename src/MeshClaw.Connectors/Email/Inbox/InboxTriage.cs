using System.Text.Json;
using MeshClaw.Connectors.Email.Tools;
using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Triage;

namespace MeshClaw.Connectors.Email.Inbox;

/// <summary>
/// The built-in inbox agent's procedure: for each account, every INBOX message not yet decided is classified by the
/// deterministic rules first (zero tokens), the rest by the model in batches of 20 with mail marked untrusted; then
/// filed with one batch call, urgent mail flagged and replies drafted. It lists and reads mail through the email
/// tools like any agent, so its grants, mail folders, the gate and the audit log apply to it. Each decision is
/// recorded with its reason; the digest is the answer. Nothing is ever sent.
/// </summary>
public sealed class InboxTriage(ITriageStore store, IOutcomes outcomes, IOutbox outbox) : IRunProcedure
{
    public const string ProcedureName = "inbox";
    private const int BatchSize = 20;
    private const int ExcerptChars = 600;

    public string Name => ProcedureName;

    public async Task<RunAnswer> RunAsync(RunContext run, CancellationToken cancellationToken)
    {
        // Everything triage reads is mail from outside: the run is tainted from the start.
        run.Security.Taint("email");
        var settings = run.Request.Config.Get<EmailSettings>();
        if (settings.Accounts.Count == 0)
        {
            throw new RunStopException(RunStatus.Failed, "no email account is connected; add one with: meshclaw connect email");
        }

        var report = new TriageReport();
        run.Progress = report.SoFar;
        try
        {
            foreach (var account in settings.Accounts.Values)
            {
                await TriageAccountAsync(run, account, settings, report, cancellationToken);
            }
        }
        catch (RunParkedException)
        {
            throw new RunStopException(RunStatus.Cancelled, "the gateway stopped while a bulk filing waited for approval; the mail stays in the inbox for the next triage");
        }

        var answer = report.Digest(run.Id.Value);
        if (report.Total > 0)
        {
            // A run that found nothing new keeps the last digest in place.
            await store.AddDigestAsync(run.Id.Value, run.Agent.Name, run.Redactor.Redact(answer), run.Time.GetUtcNow(), CancellationToken.None);
            // The digest is also told to the user wherever they are (the dashboard's notifications, Slack when connected), once per run.
            await outbox.EnqueueAsync($"digest:{run.Id.Value}", "inbox.digest", run.Redactor.Redact(answer), run.Time.GetUtcNow(), CancellationToken.None);
        }

        return new RunAnswer(answer) { Figures = new Dictionary<string, object?> { ["byRules"] = report.ByRules, ["byModel"] = report.ByModel } };
    }

    private async Task TriageAccountAsync(RunContext run, EmailAccount account, EmailSettings settings, TriageReport report, CancellationToken cancellationToken)
    {
        var inbox = await ListAsync(run, account, cancellationToken);
        var decided = await store.DecidedAsync(account.Name, [.. inbox.Select(m => m.Id)], cancellationToken);
        var pending = inbox.Where(m => !decided.Contains(m.Id)).ToList();
        var history = await store.SenderHistoryAsync(account.Name, [.. pending.Select(m => m.FromAddress)], 3, cancellationToken);
        var verdicts = new Dictionary<string, TriageVerdict>(StringComparer.Ordinal);
        foreach (var message in pending)
        {
            if (TriageRules.Classify(message, settings.Rules, history.GetValueOrDefault(message.FromAddress) ?? []) is { } verdict)
            {
                verdicts[message.Id] = verdict;
            }
        }

        foreach (var batch in pending.Where(m => !verdicts.ContainsKey(m.Id)).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = await run.CallAsync("email_read", new
            {
                account = account.Name, folder = "INBOX", messages = batch.Select(m => new { id = m.Id, uid = m.Uid }), excerpt_chars = ExcerptChars,
            }, cancellationToken);
            if (read.Outcome != ToolCallOutcome.Succeeded || read.Data is not { } data)
            {
                report.Unsorted.AddRange(batch.Select(m => $"{m.Subject} (could not be read: {read.Result})"));
                continue;
            }

            var excerpts = data.Deserialize<List<MailExcerpt>>(MailData.Json)!.ToDictionary(e => e.Id, StringComparer.Ordinal);
            var items = batch.Select(m => new ModelClassifier.Item(m.Id, m.From, m.Subject, excerpts.TryGetValue(m.Id, out var e) ? e.Excerpt : "(body could not be read)")).ToList();
            try
            {
                foreach (var (id, verdict) in await ModelClassifier.ClassifyAsync(run.Model, run.Agent.Instructions, items, run.Security.Fence, cancellationToken))
                {
                    verdicts[id] = verdict;
                }
            }
            catch (Exception ex) when (ex is FormatException or ModelNotConfiguredException)
            {
                report.Unsorted.AddRange(batch.Select(m => $"{m.Subject} ({ex.Message})"));
            }
        }

        await ApplyAsync(run, account, settings, pending, verdicts, report, cancellationToken);
    }

    /// <summary>The whole INBOX, page by page through the list tool: a denial (no grant, a folder the agent may not touch) stops the run.</summary>
    private static async Task<List<MailSummary>> ListAsync(RunContext run, EmailAccount account, CancellationToken cancellationToken)
    {
        var inbox = new List<MailSummary>();
        uint after = 0;
        while (true)
        {
            var page = await run.CallAsync("email_list", new { account = account.Name, folder = "INBOX", limit = ListMailTool.MaxLimit, after_uid = after }, cancellationToken);
            if (page.Outcome != ToolCallOutcome.Succeeded || page.Data is not { } data)
            {
                throw new RunStopException(RunStatus.Failed, $"could not list the INBOX of account '{account.Name}': {page.Result}");
            }

            var messages = data.Deserialize<List<MailSummary>>(MailData.Json)!;
            inbox.AddRange(messages);
            if (messages.Count < ListMailTool.MaxLimit)
            {
                return inbox;
            }

            after = messages[^1].Uid;
        }
    }

    private async Task ApplyAsync(RunContext run, EmailAccount account, EmailSettings settings, List<MailSummary> pending,
        Dictionary<string, TriageVerdict> verdicts, TriageReport report, CancellationToken cancellationToken)
    {
        var byId = pending.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var moves = verdicts.Where(v => settings.Folders.ContainsKey(v.Value.Category))
            .Select(v => new { id = v.Key, folder = "INBOX", to = settings.Folders[v.Value.Category] }).ToList();
        string? held = null;
        if (moves.Count > 0)
        {
            var result = await run.CallAsync("email_file_batch", new { account = account.Name, moves }, cancellationToken);
            if (result.Outcome != ToolCallOutcome.Succeeded)
            {
                held = result.Result;
            }
        }

        foreach (var (id, verdict) in verdicts)
        {
            var message = byId[id];
            string? folder = settings.Folders.GetValueOrDefault(verdict.Category);
            var note = verdict.Reason;
            if (folder is not null && held is not null)
            {
                note += $" (not filed: {held})";
                folder = null;
            }

            if (verdict.Category == "urgent")
            {
                await run.CallAsync("email_flag", new { account = account.Name, id, flag = "flagged", set = true }, cancellationToken);
            }

            if (verdict.Category == "needs-reply" && verdict.Reply is { Length: > 0 } reply && run.IsGranted("email_draft_reply"))
            {
                var draft = await run.CallAsync("email_draft_reply", new { account = account.Name, id, body = reply }, cancellationToken);
                if (draft.Outcome == ToolCallOutcome.Succeeded)
                {
                    report.Drafts.Add(message.Subject);
                    await outcomes.AddAsync(new NewOutcome(run.Id.Value, run.Agent.Name, "draft.created", message.Subject, message.From, "model", run.Time.GetUtcNow()), CancellationToken.None);
                }
            }

            await store.RecordAsync(new TriageDecision(account.Name, id, message.FromAddress, message.Subject, verdict.Category, verdict.Source, note, folder,
                run.Id.Value, run.Agent.Name, run.Time.GetUtcNow()), CancellationToken.None);
            report.Add(message, verdict, folder);
        }
    }
}
