using System.Text;
using System.Text.Json;
using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Usage;
using MeshClaw.Storage.Triage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Host.Inbox;

/// <summary>
/// The built-in inbox agent's run: for each account, every INBOX message not yet decided is classified by the
/// deterministic rules first (zero tokens), the rest by the model in batches of 20 with mail marked untrusted;
/// then filed with one batch call, urgent mail flagged and replies drafted, every action through the tool
/// executor (gate, approval, journal, audit). Each decision is recorded with its reason; the digest is the answer.
/// Nothing is ever sent.
/// </summary>
public sealed class InboxTriage(IRunStore runs, IAuditLog audit, SqliteTriageStore store, MailConnections mail, TimeProvider time)
{
    private const int BatchSize = 20;
    private const int ExcerptChars = 600;

    public async Task<RunRecord> RunAsync(AgentRunRequest request, ToolCallExecutor executor, EmailSettings settings, CancellationToken cancellationToken)
    {
        var record = new RunRecord { Id = request.Id, Agent = request.Agent.Name, Trigger = request.Trigger, Input = request.Message, StartedAt = time.GetUtcNow() };
        await runs.CreateAsync(record, CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("run.started", $"agent:{request.Agent.Name}", request.Id.Value, new { trigger = request.Trigger.ToString(), builtin = "inbox" }), CancellationToken.None);
        var work = new TriageWork(request, executor, new RunSecurityState(request.Trigger), runs, time);
        // Everything triage reads is mail from outside: the run is tainted from the start.
        work.Security.Taint("email");
        using var attribution = ModelCallAttribution.Begin(new ModelCallAttribution(request.Agent.Name, request.Id.Value, request.Trigger.ToString()));
        RunStatus status;
        string? reason = null;
        string? answer = null;
        var report = new TriageReport();
        try
        {
            RunBudget.EnforceAll(request, RunUsage.Zero);
            if (settings.Accounts.Count == 0)
            {
                throw new RunStopException(RunStatus.Failed, "no email account is connected; add one with: meshclaw connect email");
            }

            foreach (var account in settings.Accounts.Values)
            {
                await TriageAccountAsync(work, account, settings, report, cancellationToken);
            }

            answer = report.Digest(request.Id.Value);
            if (report.Total > 0)
            {
                // A run that found nothing new keeps the last digest in place.
                await store.AddDigestAsync(request.Id.Value, request.Agent.Name, answer, time.GetUtcNow(), CancellationToken.None);
            }
            status = RunStatus.Succeeded;
        }
        catch (RunStopException stop)
        {
            (status, reason) = (stop.Status, stop.Message + report.SoFar());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (status, reason) = (RunStatus.Cancelled, "cancelled" + report.SoFar());
        }
        catch (Exception ex) when (ex is not RunParkedException)
        {
            (status, reason) = (RunStatus.Failed, request.Redactor.Redact(ex.Message) + report.SoFar());
        }
        catch (RunParkedException)
        {
            (status, reason) = (RunStatus.Cancelled, "the gateway stopped while a bulk filing waited for approval; the mail stays in the inbox for the next triage" + report.SoFar());
        }

        var ended = time.GetUtcNow();
        await runs.CompleteAsync(record.Id, status, reason, answer, work.Usage, ended, CancellationToken.None);
        await runs.SetTaintAsync(record.Id, work.Security.TaintSources, CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("run.ended", $"agent:{request.Agent.Name}", record.Id.Value,
            new { status = status.ToString(), reason, tokens = work.Usage.TotalTokens, byRules = report.ByRules, byModel = report.ByModel }), CancellationToken.None);
        return record with { Status = status, StatusReason = reason, Answer = answer, Usage = work.Usage, EndedAt = ended, Taint = [.. work.Security.TaintSources] };
    }

    private async Task TriageAccountAsync(TriageWork work, EmailAccount account, EmailSettings settings, TriageReport report, CancellationToken cancellationToken)
    {
        var mailbox = mail.For(account);
        var inbox = await mailbox.ListAsync("INBOX", unreadOnly: false, limit: 100_000, cancellationToken);
        var decided = await store.DecidedAsync(account.Name, [.. inbox.Select(m => m.Id)], cancellationToken);
        var pending = inbox.Where(m => !decided.Contains(m.Id)).ToList();
        var verdicts = new Dictionary<string, TriageVerdict>(StringComparer.Ordinal);
        foreach (var message in pending)
        {
            var history = await store.SenderHistoryAsync(account.Name, message.FromAddress, 3, cancellationToken);
            if (TriageRules.Classify(message, settings.Rules, history) is { } verdict)
            {
                verdicts[message.Id] = verdict;
            }
        }

        foreach (var batch in pending.Where(m => !verdicts.ContainsKey(m.Id)).Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var items = new List<ModelClassifier.Item>();
            foreach (var message in batch)
            {
                items.Add(new ModelClassifier.Item(message.Id, message.From, message.Subject, await ExcerptAsync(mailbox, message, cancellationToken)));
            }

            try
            {
                var answers = await ModelClassifier.ClassifyAsync(work.Request.Model, work.Request.Agent.Instructions, items, work.AddUsage, cancellationToken);
                foreach (var (id, verdict) in answers)
                {
                    verdicts[id] = verdict;
                }
            }
            catch (FormatException ex)
            {
                report.Unsorted.AddRange(batch.Select(m => $"{m.Subject} ({ex.Message})"));
            }

            RunBudget.EnforceAll(work.Request, work.Usage);
        }

        await ApplyAsync(work, account, settings, pending, verdicts, report, cancellationToken);
    }

    private async Task ApplyAsync(TriageWork work, EmailAccount account, EmailSettings settings, List<MailSummary> pending,
        Dictionary<string, TriageVerdict> verdicts, TriageReport report, CancellationToken cancellationToken)
    {
        var byId = pending.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var moves = verdicts.Where(v => settings.Folders.ContainsKey(v.Value.Category))
            .Select(v => new { id = v.Key, folder = "INBOX", to = settings.Folders[v.Value.Category] }).ToList();
        string? held = null;
        if (moves.Count > 0)
        {
            var result = await work.CallAsync("email_file_batch", new { account = account.Name, moves }, cancellationToken);
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
                await work.CallAsync("email_flag", new { account = account.Name, id, flag = "flagged", set = true }, cancellationToken);
            }

            if (verdict.Category == "needs-reply" && verdict.Reply is { Length: > 0 } reply && work.Granted("email_draft_reply"))
            {
                var draft = await work.CallAsync("email_draft_reply", new { account = account.Name, id, body = reply }, cancellationToken);
                if (draft.Outcome == ToolCallOutcome.Succeeded)
                {
                    report.Drafts.Add(message.Subject);
                    await store.AddOutcomeAsync(work.Request.Id.Value, work.Request.Agent.Name, "draft.created", message.Subject, message.From, "model", time.GetUtcNow(), CancellationToken.None);
                }
            }

            await store.RecordAsync(new TriageDecision(account.Name, id, message.FromAddress, message.Subject, verdict.Category, verdict.Source, note, folder,
                work.Request.Id.Value, work.Request.Agent.Name, time.GetUtcNow()), CancellationToken.None);
            report.Add(message, verdict, folder);
        }
    }

    private static async Task<string> ExcerptAsync(Mailbox mailbox, MailSummary message, CancellationToken cancellationToken)
    {
        try
        {
            var full = await mailbox.ReadAsync("INBOX", message.Id, cancellationToken, message.Uid);
            var body = full.TextBody ?? (full.HtmlBody is { } html ? Connectors.Web.ReadableText.FromHtml(html) : "");
            return body.Length > ExcerptChars ? body[..ExcerptChars] + "…" : body;
        }
        catch (Exception ex) when (ex is MailNotFoundException or FormatException)
        {
            return "(body could not be read)";
        }
    }

    /// <summary>The run's state while triaging: its usage and the tool calls it makes through the executor.</summary>
    private sealed class TriageWork(AgentRunRequest request, ToolCallExecutor executor, RunSecurityState security, IRunStore runs, TimeProvider time) : IApprovalWaitHooks
    {
        private int _seq;

        public AgentRunRequest Request => request;
        public RunSecurityState Security => security;
        public RunUsage Usage { get; private set; } = RunUsage.Zero;

        public void AddUsage(UsageDetails? usage) => Usage = Usage.Add(
            usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, usage?.CachedInputTokenCount ?? 0, usage?.ReasoningTokenCount ?? 0, UsageCost.Read(usage));

        public bool Granted(string tool) => request.Tools.Find(tool) is { } t && ToolCatalog.IsGranted(t, request.Agent.Tools);

        public async Task<ToolExecutionResult> CallAsync(string tool, object arguments, CancellationToken cancellationToken)
        {
            var args = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments));
            var call = new FunctionCallContent($"triage_{++_seq}", tool, args);
            var started = time.GetTimestamp();
            var result = await executor.ExecuteAsync(new ToolExecution(request, request.Id, security, call, this), cancellationToken);
            await runs.RecordToolCallAsync(request.Id, new ToolCallRecord(_seq, call.CallId, tool, result.ArgumentsJson, result.Outcome,
                result.Result.Length > 4000 ? result.Result[..4000] : result.Result, time.GetElapsedTime(started).TotalMilliseconds, time.GetUtcNow()), CancellationToken.None);
            await request.Observer.OnToolCallAsync(new ToolCallRecord(_seq, call.CallId, tool, result.ArgumentsJson, result.Outcome, result.Result, 0, time.GetUtcNow()), cancellationToken);
            return result;
        }

        public Task ParkingAsync(string approvalId, CancellationToken cancellationToken) => runs.SetStatusAsync(request.Id, RunStatus.WaitingApproval, CancellationToken.None);

        public Task ResumedAsync(CancellationToken cancellationToken) => runs.SetStatusAsync(request.Id, RunStatus.Running, CancellationToken.None);
    }
}
