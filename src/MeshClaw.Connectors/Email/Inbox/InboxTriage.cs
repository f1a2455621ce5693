using System.Text.Json;
using MeshClaw.Connectors.Email.Tools;
using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Dreaming;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Triage;

namespace MeshClaw.Connectors.Email.Inbox;

/// <summary>
/// The built-in inbox agent's procedure: for each account, every INBOX message not yet decided is classified by the
/// deterministic rules first (zero tokens; among them the rules the user accepted from a dream), the rest by the model in batches of 20 with mail marked untrusted; then
/// filed with one batch call, urgent mail flagged and replies drafted. It lists and reads mail through the email
/// tools like any agent, so its grants, mail folders, the gate and the audit log apply to it. Each decision is
/// recorded with its reason; the digest is the answer. Nothing is ever sent.
/// </summary>
public sealed class InboxTriage(ITriageStore store, ILearnedRules learnedRules, IOutcomes outcomes, IOutbox outbox) : IRunProcedure
{
    public const string ProcedureName = "inbox";
    private const int BatchSize = 20;
    private const int ExcerptChars = 600;

    public string Name => ProcedureName;

    /// <summary>The code makes every call; the model only classifies (and its verdicts are checked field by field).</summary>
    public bool ModelChoosesCalls => false;

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

        if (report.Unfinished.Count > 0)
        {
            // Part of the work did not happen (a cut connection): the run says so, and the mail waits for the next triage.
            throw new RunStopException(RunStatus.Failed, $"{report.Unfinished.Count} message(s) could not be finished ({report.Unfinished[0].What}); they stay undecided for the next triage\n\n{answer}");
        }

        return new RunAnswer(answer) { Figures = new Dictionary<string, object?> { ["byRules"] = report.ByRules, ["byModel"] = report.ByModel } };
    }

    private async Task TriageAccountAsync(RunContext run, EmailAccount account, EmailSettings settings, TriageReport report, CancellationToken cancellationToken)
    {
        var inbox = await ListAsync(run, account, cancellationToken);
        foreach (var correction in await CorrectionWatch.FindAsync(run, account, settings, inbox, store, cancellationToken))
        {
            await store.RecordCorrectionAsync(correction, CancellationToken.None);
            report.Corrections.Add(correction);
        }

        var decided = await store.DecidedAsync(account.Name, [.. inbox.Select(m => m.Id)], cancellationToken);
        var pending = inbox.Where(m => !decided.Contains(m.Id)).ToList();
        var knowledge = await store.KnowledgeAsync(account.Name, [.. pending.Select(m => m.FromAddress)], [.. pending.Select(m => m.ListId).OfType<string>()], 3, cancellationToken);
        var learned = await learnedRules.AcceptedAsync(account.Name, cancellationToken);
        var verdicts = new Dictionary<string, TriageVerdict>(StringComparer.Ordinal);
        foreach (var message in pending)
        {
            if (TriageRules.Classify(message, settings.Rules, knowledge.For(message.FromAddress, message.ListId), account.Names, learned) is { } verdict)
            {
                verdicts[message.Id] = verdict;
            }
        }

        await CheckHabitsAsync(run, account, pending, verdicts, cancellationToken);
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

        foreach (var message in pending)
        {
            // The user moved this sender's (or list's) mail back to the inbox: the model may say urgent or needs-reply, not file it away.
            if (verdicts.TryGetValue(message.Id, out var verdict) && settings.Folders.ContainsKey(verdict.Category)
                && TriageRules.KeptInInbox(knowledge.For(message.FromAddress, message.ListId)))
            {
                verdicts[message.Id] = verdict with { Category = "fyi", Reason = $"you keep this mail in the inbox (the model said {verdict.Category})" };
            }
        }

        await ApplyAsync(run, account, settings, pending, verdicts, report, cancellationToken);
    }

    /// <summary>
    /// A sender's habit never swallows what matters: the opening lines of mail settled by it are read (IMAP, no
    /// tokens), and a question, a deadline or an alert there sends the message to the model. Mail that cannot be read
    /// goes to the model too.
    /// </summary>
    private static async Task CheckHabitsAsync(RunContext run, EmailAccount account, List<MailSummary> pending, Dictionary<string, TriageVerdict> verdicts, CancellationToken cancellationToken)
    {
        foreach (var batch in pending.Where(m => verdicts.TryGetValue(m.Id, out var v) && TriageRules.IsHabit(v)).Chunk(ReadMailTool.MaxBatch))
        {
            var read = await run.CallAsync("email_read", new
            {
                account = account.Name, folder = "INBOX", messages = batch.Select(m => new { id = m.Id, uid = m.Uid }), excerpt_chars = 300,
            }, cancellationToken);
            var excerpts = read.Outcome == ToolCallOutcome.Succeeded && read.Data is { } data
                ? data.Deserialize<List<MailExcerpt>>(MailData.Json)!.ToDictionary(e => e.Id, StringComparer.Ordinal)
                : [];
            foreach (var message in batch)
            {
                if (!excerpts.TryGetValue(message.Id, out var excerpt) || !excerpt.Found || MailSignals.OpeningWantsAttention(excerpt.Excerpt, account.Names))
                {
                    verdicts.Remove(message.Id);
                }
            }
        }
    }

    /// <summary>The whole INBOX, page by page through the list tool: a denial (no grant, a folder the agent may not touch) stops the run.</summary>
    private static async Task<List<MailSummary>> ListAsync(RunContext run, EmailAccount account, CancellationToken cancellationToken)
    {
        var (inbox, problem) = await ListFolderAsync(run, account, "INBOX", cancellationToken);
        return inbox ?? throw new RunStopException(RunStatus.Failed, $"could not list the INBOX of account '{account.Name}': {problem}");
    }

    /// <summary>A whole folder, page by page through the list tool; no list, and why, when it cannot be listed (denied, missing, unreachable).</summary>
    public static async Task<(List<MailSummary>? Messages, string? Problem)> ListFolderAsync(RunContext run, EmailAccount account, string folder, CancellationToken cancellationToken)
    {
        var inbox = new List<MailSummary>();
        uint after = 0;
        while (true)
        {
            var page = await run.CallAsync("email_list", new { account = account.Name, folder, limit = ListMailTool.MaxLimit, after_uid = after }, cancellationToken);
            if (page.Outcome != ToolCallOutcome.Succeeded || page.Data is not { } data)
            {
                return (null, page.Result);
            }

            var messages = data.Deserialize<List<MailSummary>>(MailData.Json)!;
            inbox.AddRange(messages);
            if (messages.Count < ListMailTool.MaxLimit)
            {
                return (inbox, null);
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
        Tools.FiledMail? filed = null;
        if (moves.Count > 0)
        {
            var result = await run.CallAsync("email_file_batch", new { account = account.Name, moves }, cancellationToken);
            filed = result.Data?.Deserialize<Tools.FiledMail>(MailData.Json);
            if (result.Outcome == ToolCallOutcome.Denied)
            {
                held = result.Result;
            }
            else if (filed is null && result.Outcome != ToolCallOutcome.Succeeded)
            {
                // No account of what moved (the call itself failed): nothing counts as filed, and the next triage looks again.
                report.Unfinished.AddRange(moves.Select(m => (byId[m.id], $"not filed: {result.Result}")));
            }
        }

        var notFiled = new HashSet<string>(report.Unfinished.Select(n => n.Mail.Id), StringComparer.Ordinal);
        notFiled.UnionWith(filed?.NotFiled ?? []);
        var drafts = verdicts.Where(v => v.Value.Category == "needs-reply" && v.Value.Reply is { Length: > 0 } && !notFiled.Contains(v.Key))
            .Select(v => (v.Key, v.Value.Reply!)).ToList();
        var undrafted = drafts.Count > 0 && run.IsGranted("email_draft_batch") ? await DraftAsync(run, account, byId, drafts, report, cancellationToken) : [];
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
            else if (folder is not null && notFiled.Contains(id))
            {
                // Not filed after all (a cut connection): not recorded as decided, so the next triage sees it again.
                if (report.Unfinished.All(n => n.Mail.Id != id))
                {
                    report.Unfinished.Add((message, $"not filed: {filed?.Cut ?? "the filing did not finish"}"));
                }

                continue;
            }

            if (verdict.Category == "urgent")
            {
                var flag = await run.CallAsync("email_flag", new { account = account.Name, id, flag = "flagged", set = true }, cancellationToken);
                if (flag.Outcome == ToolCallOutcome.Failed)
                {
                    report.Unfinished.Add((message, $"not flagged: {flag.Result}"));
                    continue;
                }
            }

            if (undrafted.TryGetValue(id, out var why))
            {
                // The draft did not happen (a cut connection): not recorded as decided, so the next triage drafts it.
                report.Unfinished.Add((message, $"no draft: {why}"));
                continue;
            }

            await store.RecordAsync(new TriageDecision(account.Name, id, message.FromAddress, message.Subject, verdict.Category, verdict.Source, note, folder,
                run.Id.Value, run.Agent.Name, run.Time.GetUtcNow(), message.ListId, !MailSignals.WantsAttention(message, account.Names)), CancellationToken.None);
            report.Add(message, verdict, folder);
        }
    }

    /// <summary>
    /// The run's replies as one batch: one decision however many, like the filing. Returns the messages whose draft
    /// did not happen because the call failed (not because it was denied: then the mail is decided, without a draft).
    /// </summary>
    private async Task<Dictionary<string, string>> DraftAsync(RunContext run, EmailAccount account, Dictionary<string, MailSummary> byId, List<(string Id, string Body)> drafts,
        TriageReport report, CancellationToken cancellationToken)
    {
        var undrafted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in drafts.Chunk(DraftBatchTool.MaxDrafts))
        {
            var result = await run.CallAsync("email_draft_batch", new { account = account.Name, drafts = chunk.Select(d => new { id = d.Id, body = d.Body }) }, cancellationToken);
            if (result.Outcome == ToolCallOutcome.Denied)
            {
                report.Unsorted.AddRange(chunk.Select(d => $"{byId[d.Id].Subject} (no draft: {result.Result})"));
                continue;
            }

            var saved = result.Data is { } data ? data.Deserialize<List<string>>(MailData.Json)! : [];
            foreach (var id in saved)
            {
                report.Drafts.Add(byId[id].Subject);
                await outcomes.AddAsync(new NewOutcome(run.Id.Value, run.Agent.Name, "draft.created", byId[id].Subject, byId[id].From, "model", run.Time.GetUtcNow()), CancellationToken.None);
            }

            foreach (var (id, _) in chunk.Where(d => !saved.Contains(d.Id)))
            {
                undrafted[id] = result.Result;
            }
        }

        return undrafted;
    }
}
