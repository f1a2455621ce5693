using MeshClaw.Core.Insights;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Runs;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// MeshClaw's agent loop, the procedure of every agent that is not built in: call the model, hand each tool call to
/// the run's door (the executor: gate, approval, journal, audit), feed the result back, until the model answers or a
/// limit stops the run. A run waiting for approval saves a checkpoint it can resume from, in a new process if need be.
/// </summary>
public sealed class AgentLoop(IOutcomes outcomes, AgentLoopOptions options, TimeProvider time) : IResumableProcedure
{
    public const string ProcedureName = "loop";

    public string Name => ProcedureName;

    public async Task<RunAnswer> RunAsync(RunContext run, CancellationToken cancellationToken)
    {
        var request = run.Request;
        // The user's words and the trigger's content pass the run's redactor too: no credential reaches the model, typed or received.
        var content = request.TriggerContent is { } received ? received with { Text = request.Redactor.Redact(received.Text) } : null;
        var state = new LoopState(ContextAssembler.Build(request.Agent, request.History, request.Redactor.Redact(request.Message), content, run.Security.Fence,
            PromptClock.Line(time.GetUtcNow(), request.TimeZone)));
        await run.TranscriptAsync("system", request.Agent.Instructions);
        await run.TranscriptAsync("user", state.Messages[^1].Text);
        return await FinishAsync(run, await LoopAsync(run, state, cancellationToken));
    }

    public async Task<RunAnswer> ResumeAsync(RunContext run, string checkpointJson, CancellationToken cancellationToken)
    {
        var checkpoint = RunCheckpoint.FromJson(checkpointJson);
        foreach (var source in checkpoint.Taint)
        {
            run.Security.Taint(source);
        }

        foreach (var (capability, items) in checkpoint.Changed)
        {
            run.Security.CountChanged(capability, items);
        }

        if (checkpoint.Blocked is { } attack)
        {
            run.Security.Block(attack, checkpoint.BlockedItems);
        }

        if (checkpoint.SuggestOnly)
        {
            run.Security.EnterSuggestMode();
        }

        run.Budget.Restore(checkpoint.Usage);
        run.Seq = checkpoint.Seq;
        var state = new LoopState([.. checkpoint.Messages]) { Step = checkpoint.Step, Pending = (checkpoint.PendingCallIndex, checkpoint.ApprovalId) };
        return await FinishAsync(run, await LoopAsync(run, state, cancellationToken));
    }

    /// <summary>A run that ends with an answer records it as an outcome: a question answered.</summary>
    private async Task<RunAnswer> FinishAsync(RunContext run, string answer)
    {
        if (!string.IsNullOrWhiteSpace(answer))
        {
            var input = run.Request.Message;
            var text = run.Redactor.Redact(answer);
            await outcomes.AddAsync(new NewOutcome(run.Id.Value, run.Agent.Name, "question.answered", run.Redactor.Redact(input.Length > 200 ? input[..200] : input),
                text.Length > 500 ? text[..500] : text, "model", run.Time.GetUtcNow()), CancellationToken.None);
        }

        return new RunAnswer(answer);
    }

    private async Task<string> LoopAsync(RunContext run, LoopState state, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var chatOptions = new ChatOptions
        {
            Tools = [.. request.Tools.Granted(request.Agent.Tools).Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))],
        };
        var loops = new LoopDetector(options.MaxIdenticalToolCalls);
        if (state.Pending is { } pending)
        {
            var held = state.Messages.Last(m => m.Role == ChatRole.Assistant).Contents.OfType<FunctionCallContent>().ToList();
            state.Pending = null;
            await ProcessCallsAsync(run, state, held, pending.CallIndex, pending.ApprovalId, loops, cancellationToken);
        }

        for (var step = state.Step + 1; step <= request.Agent.Budget.MaxSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.Step = step;
            var response = await CallModelAsync(run, state.Messages, chatOptions, cancellationToken);
            state.Messages.AddRange(response.Messages);

            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            var text = response.Text;
            if (text.Length > 0 || calls.Count == 0)
            {
                await run.TranscriptAsync("assistant", text);
            }

            if (calls.Count == 0)
            {
                return text;
            }

            await ProcessCallsAsync(run, state, calls, 0, null, loops, cancellationToken);
        }

        throw new RunStopException(RunStatus.Failed, $"step limit reached: no final answer after {request.Agent.Budget.MaxSteps} model calls");
    }

    private async Task ProcessCallsAsync(RunContext run, LoopState state, List<FunctionCallContent> calls, int start, string? awaitApprovalId, LoopDetector loops, CancellationToken cancellationToken)
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

            var result = await run.CallAsync(call, new CheckpointHooks(run, state, i), i == start ? awaitApprovalId : null, cancellationToken);
            state.Messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, HistoryWindow.CutToolResult(result.Result, run.Agent.ContextTokens))]));
        }
    }

    private static async Task<ChatResponse> CallModelAsync(RunContext run, List<ChatMessage> messages, ChatOptions chatOptions, CancellationToken cancellationToken)
    {
        if (!run.Request.Stream)
        {
            return await run.Model.GetResponseAsync(messages, chatOptions, cancellationToken);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in run.Model.GetStreamingResponseAsync(messages, chatOptions, cancellationToken))
        {
            updates.Add(update);
            if (update.Text is { Length: > 0 } delta)
            {
                await run.Request.Observer.OnTextAsync(run.Redactor.Redact(delta), cancellationToken);
            }
        }

        return updates.ToChatResponse();
    }

    /// <summary>The conversation of one run in flight: what a checkpoint saves and restores, with the run's usage, taint and sequence.</summary>
    private sealed class LoopState(List<ChatMessage> messages)
    {
        public List<ChatMessage> Messages { get; } = messages;
        public int Step { get; set; }
        public int Malformed { get; set; }
        /// <summary>Set while a call of the last model answer waits for approval: which call, which approval.</summary>
        public (int CallIndex, string ApprovalId)? Pending { get; set; }
    }

    /// <summary>Saves the checkpoint and marks the run waiting while one of its calls is held for approval.</summary>
    private sealed class CheckpointHooks(RunContext run, LoopState state, int callIndex) : IApprovalWaitHooks
    {
        public Task ParkingAsync(string approvalId, CancellationToken cancellationToken) =>
            run.SaveCheckpointAsync(new RunCheckpoint
            {
                Messages = state.Messages,
                Usage = run.Usage,
                Seq = run.Seq,
                Step = state.Step,
                Taint = run.Security.TaintSources,
                Changed = run.Security.Changed,
                PendingCallIndex = callIndex,
                ApprovalId = approvalId,
                Blocked = run.Security.Blocked,
                BlockedItems = run.Security.BlockedItems,
                SuggestOnly = run.Security.SuggestOnly,
            }.ToJson());

        public Task ResumedAsync(CancellationToken cancellationToken) => run.MarkRunningAsync();
    }
}
