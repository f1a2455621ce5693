using MeshClaw.Core.Audit;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// MeshClaw's agent loop: call the model, hand each tool call to the <see cref="ToolCallExecutor"/> (gate,
/// approval, journal, audit), feed the result back, until the model answers or a limit stops the run.
/// Everything is recorded as it happens; a run waiting for approval saves a checkpoint it can resume from.
/// </summary>
public sealed class AgentLoop(IRunStore runs, ToolCallExecutor executor, IAuditLog audit, TimeProvider time, AgentLoopOptions options)
{
    public async Task<RunRecord> RunAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        var record = new RunRecord
        {
            Id = request.Id,
            Agent = request.Agent.Name,
            Trigger = request.Trigger,
            Session = request.Session,
            Input = request.Redactor.Redact(request.Message),
            StartedAt = time.GetUtcNow(),
        };
        await runs.CreateAsync(record, CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("run.started", $"agent:{request.Agent.Name}", request.Id.Value,
            new { trigger = request.Trigger.ToString(), inheritedTaint = request.InheritedTaint }), CancellationToken.None);
        var state = new RunState(request, ContextAssembler.Build(request.Agent, request.History, request.Message),
            new RunSecurityState(request.Trigger, request.InheritedTaint, request.ParentSecurity));
        await TranscriptAsync(state, "system", request.Agent.Instructions);
        await TranscriptAsync(state, "user", request.Message);
        return await DriveAsync(state, record, checkBudgetFirst: true, cancellationToken);
    }

    /// <summary>Continues a run parked on an approval, from its checkpoint.</summary>
    public async Task<RunRecord> ResumeAsync(AgentRunRequest request, RunRecord record, RunCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        // The run stays WaitingApproval until its held call is answered (the executor's hook marks it running again).
        return await DriveAsync(RunState.FromCheckpoint(request, checkpoint), record, checkBudgetFirst: false, cancellationToken);
    }

    private async Task<RunRecord> DriveAsync(RunState state, RunRecord record, bool checkBudgetFirst, CancellationToken cancellationToken)
    {
        var request = state.Request;
        using var attribution = ModelCallAttribution.Begin(new ModelCallAttribution(request.Agent.Name, record.Id.Value, request.Trigger.ToString()));
        RunStatus status;
        string? reason = null;
        string? answer = null;
        try
        {
            if (checkBudgetFirst)
            {
                RunBudget.EnforceAll(request, RunUsage.Zero);
            }

            answer = request.Redactor.Redact(await LoopAsync(state, cancellationToken));
            status = RunStatus.Succeeded;
        }
        catch (RunParkedException)
        {
            await runs.SetTaintAsync(record.Id, state.Security.TaintSources, CancellationToken.None);
            return record with { Status = RunStatus.WaitingApproval, Usage = state.Usage };
        }
        catch (RunStopException stop)
        {
            (status, reason) = (stop.Status, stop.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (status, reason) = (RunStatus.Cancelled, request.ShutdownToken.IsCancellationRequested ? "the gateway was shut down during the run" : "cancelled");
        }
        catch (Exception ex)
        {
            (status, reason) = (RunStatus.Failed, request.Redactor.Redact(ex.Message));
        }

        var ended = time.GetUtcNow();
        await runs.CompleteAsync(record.Id, status, reason, answer, state.Usage, ended, CancellationToken.None);
        await runs.SetTaintAsync(record.Id, state.Security.TaintSources, CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("run.ended", $"agent:{request.Agent.Name}", record.Id.Value,
            new { status = status.ToString(), reason, tokens = state.Usage.TotalTokens, cost = state.Usage.Cost, tainted = state.Security.TaintSources }), CancellationToken.None);
        return record with { Status = status, StatusReason = reason, Answer = answer, Usage = state.Usage, EndedAt = ended, Taint = [.. state.Security.TaintSources] };
    }

    private async Task<string> LoopAsync(RunState state, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var chatOptions = new ChatOptions
        {
            Tools = [.. request.Tools.Granted(request.Agent.Tools).Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))],
        };
        var loops = new LoopDetector(options.MaxIdenticalToolCalls);
        if (state.Pending is { } pending)
        {
            var held = state.Messages.Last(m => m.Role == ChatRole.Assistant).Contents.OfType<FunctionCallContent>().ToList();
            state.Pending = null;
            await ProcessCallsAsync(state, held, pending.CallIndex, pending.ApprovalId, loops, cancellationToken);
        }

        for (var step = state.Step + 1; step <= request.Agent.Budget.MaxSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.Step = step;
            var response = await CallModelAsync(request, state.Messages, chatOptions, cancellationToken);
            var usage = response.Usage;
            state.Usage = state.Usage.Add(
                usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, usage?.CachedInputTokenCount ?? 0,
                usage?.ReasoningTokenCount ?? 0, UsageCost.Read(usage));
            state.Messages.AddRange(response.Messages);

            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            var text = response.Text;
            if (text.Length > 0 || calls.Count == 0)
            {
                await TranscriptAsync(state, "assistant", text);
            }

            if (calls.Count == 0)
            {
                return text;
            }

            RunBudget.EnforceAll(request, state.Usage);
            await ProcessCallsAsync(state, calls, 0, null, loops, cancellationToken);
        }

        throw new RunStopException(RunStatus.Failed, $"step limit reached: no final answer after {request.Agent.Budget.MaxSteps} model calls");
    }

    private async Task ProcessCallsAsync(RunState state, List<FunctionCallContent> calls, int start, string? awaitApprovalId, LoopDetector loops, CancellationToken cancellationToken)
    {
        for (var i = start; i < calls.Count; i++)
        {
            var call = calls[i];
            if (call.Exception is not null)
            {
                state.Malformed++;
                if (state.Malformed >= options.MaxMalformedToolCalls)
                {
                    throw new RunStopException(RunStatus.Failed, $"the model sent malformed arguments for tool '{call.Name}' {state.Malformed} times: {call.Exception.Message}");
                }
            }
            else if (i != start || awaitApprovalId is null)
            {
                if (loops.IsLooping(call.Name, call.Arguments))
                {
                    throw new RunStopException(RunStatus.Failed, $"loop detected: the model called '{call.Name}' with the same arguments more than {options.MaxIdenticalToolCalls} times");
                }
            }

            var hooks = new WaitHooks(runs, state, i);
            var started = time.GetTimestamp();
            var result = await executor.ExecuteAsync(new ToolExecution(state.Request, state.Id, state.Security, call, hooks, i == start ? awaitApprovalId : null), cancellationToken);
            var record = new ToolCallRecord(state.NextSeq(), call.CallId, call.Name, result.ArgumentsJson, result.Outcome, result.Result,
                time.GetElapsedTime(started).TotalMilliseconds, time.GetUtcNow());
            await runs.RecordToolCallAsync(state.Id, record, CancellationToken.None);
            await state.Request.Observer.OnToolCallAsync(record, cancellationToken);
            state.Messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result.Result)]));
        }
    }

    private static async Task<ChatResponse> CallModelAsync(AgentRunRequest request, List<ChatMessage> messages, ChatOptions chatOptions, CancellationToken cancellationToken)
    {
        if (!request.Stream)
        {
            return await request.Model.GetResponseAsync(messages, chatOptions, cancellationToken);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in request.Model.GetStreamingResponseAsync(messages, chatOptions, cancellationToken))
        {
            updates.Add(update);
            if (update.Text is { Length: > 0 } delta)
            {
                await request.Observer.OnTextAsync(request.Redactor.Redact(delta), cancellationToken);
            }
        }

        return updates.ToChatResponse();
    }

    private Task TranscriptAsync(RunState state, string role, string content) =>
        runs.AppendTranscriptAsync(state.Id, new TranscriptEntry(state.NextSeq(), role, state.Request.Redactor.Redact(content), time.GetUtcNow()), CancellationToken.None);

    /// <summary>Saves the checkpoint and marks the run waiting while one of its calls is held for approval.</summary>
    private sealed class WaitHooks(IRunStore runs, RunState state, int callIndex) : IApprovalWaitHooks
    {
        public async Task ParkingAsync(string approvalId, CancellationToken cancellationToken)
        {
            await runs.SaveCheckpointAsync(state.Id, state.ToCheckpoint(callIndex, approvalId).ToJson(), CancellationToken.None);
            await runs.SetStatusAsync(state.Id, RunStatus.WaitingApproval, CancellationToken.None);
        }

        public Task ResumedAsync(CancellationToken cancellationToken) => runs.SetStatusAsync(state.Id, RunStatus.Running, CancellationToken.None);
    }
}
