using System.Diagnostics;
using System.Text.Json;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Usage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// MeshClaw's agent loop: call the model, pass each tool call through the gate, run it, feed the result back,
/// until the model answers or a limit stops the run. Everything is recorded as it happens.
/// </summary>
public sealed class AgentLoop(IRunStore runs, IToolCallGate gate, TimeProvider time, AgentLoopOptions options)
{
    public async Task<RunRecord> RunAsync(AgentRunRequest request, CancellationToken cancellationToken)
    {
        var agent = request.Agent;
        var record = new RunRecord
        {
            Id = request.Id,
            Agent = agent.Name,
            Trigger = request.Trigger,
            Session = request.Session,
            Input = request.Message,
            StartedAt = time.GetUtcNow(),
        };
        await runs.CreateAsync(record, CancellationToken.None);

        var state = new RunState(request, record.Id);
        using var attribution = ModelCallAttribution.Begin(new ModelCallAttribution(agent.Name, record.Id.Value, request.Trigger.ToString()));
        RunStatus status;
        string? reason = null;
        string? answer = null;
        try
        {
            RunBudget.Enforce(agent.Budget, RunUsage.Zero, request.SpentToday);
            answer = await LoopAsync(state, cancellationToken);
            status = RunStatus.Succeeded;
        }
        catch (RunStopException stop)
        {
            (status, reason) = (stop.Status, stop.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (status, reason) = (RunStatus.Cancelled, "cancelled");
        }
        catch (Exception ex)
        {
            (status, reason) = (RunStatus.Failed, ex.Message);
        }

        var ended = time.GetUtcNow();
        await runs.CompleteAsync(record.Id, status, reason, answer, state.Usage, ended, CancellationToken.None);
        return record with { Status = status, StatusReason = reason, Answer = answer, Usage = state.Usage, EndedAt = ended };
    }

    private async Task<string> LoopAsync(RunState state, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var messages = ContextAssembler.Build(request.Agent, request.History, request.Message);
        await state.TranscriptAsync(runs, time, "system", request.Agent.Instructions);
        await state.TranscriptAsync(runs, time, "user", request.Message);
        var chatOptions = new ChatOptions
        {
            Tools = [.. request.Tools.Granted(request.Agent.Tools).Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))],
        };
        var loops = new LoopDetector(options.MaxIdenticalToolCalls);
        var malformed = 0;

        for (var step = 1; step <= request.Agent.Budget.MaxSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = await CallModelAsync(request, messages, chatOptions, cancellationToken);
            var usage = response.Usage;
            state.Usage = state.Usage.Add(
                usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, usage?.CachedInputTokenCount ?? 0,
                usage?.ReasoningTokenCount ?? 0, UsageCost.Read(usage));
            messages.AddRange(response.Messages);

            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            var text = response.Text;
            if (text.Length > 0 || calls.Count == 0)
            {
                await state.TranscriptAsync(runs, time, "assistant", text);
            }

            if (calls.Count == 0)
            {
                return text;
            }

            RunBudget.Enforce(request.Agent.Budget, state.Usage, request.SpentToday);
            foreach (var call in calls)
            {
                if (call.Exception is not null)
                {
                    malformed++;
                    if (malformed >= options.MaxMalformedToolCalls)
                    {
                        throw new RunStopException(RunStatus.Failed, $"the model sent malformed arguments for tool '{call.Name}' {malformed} times: {call.Exception.Message}");
                    }
                }
                else if (loops.IsLooping(call.Name, call.Arguments))
                {
                    throw new RunStopException(RunStatus.Failed, $"loop detected: the model called '{call.Name}' with the same arguments more than {options.MaxIdenticalToolCalls} times");
                }

                var result = await ExecuteToolAsync(state, call, cancellationToken);
                messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
            }
        }

        throw new RunStopException(RunStatus.Failed, $"step limit reached: no final answer after {request.Agent.Budget.MaxSteps} model calls");
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
                await request.Observer.OnTextAsync(delta, cancellationToken);
            }
        }

        return updates.ToChatResponse();
    }

    /// <summary>Runs one tool call through the gate; returns what the model is told.</summary>
    private async Task<string> ExecuteToolAsync(RunState state, FunctionCallContent call, CancellationToken cancellationToken)
    {
        var request = state.Request;
        var started = Stopwatch.GetTimestamp();
        var argumentsJson = call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions);
        ToolCallOutcome outcome;
        string result;
        var tool = request.Tools.Find(call.Name);
        if (call.Exception is not null)
        {
            outcome = ToolCallOutcome.InvalidArguments;
            result = $"error: the arguments for '{call.Name}' are not a valid JSON object ({call.Exception.Message}). Call the tool again with valid JSON arguments.";
        }
        else if (tool is null)
        {
            outcome = ToolCallOutcome.Denied;
            result = $"denied: there is no tool named '{call.Name}' available to this agent";
        }
        else
        {
            var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
            var decision = await gate.DecideAsync(new ToolCallRequest(request.Agent, state.Id, tool, arguments), cancellationToken);
            if (!decision.Allowed)
            {
                outcome = ToolCallOutcome.Denied;
                result = $"denied: {decision.Reason}";
            }
            else
            {
                (outcome, result) = await InvokeAsync(tool, arguments, new ToolContext(request.Agent.Name, state.Id, request.Workspace, time), cancellationToken);
            }
        }

        var record = new ToolCallRecord(state.NextSeq(), call.CallId, call.Name, argumentsJson, outcome, result,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, time.GetUtcNow());
        await runs.RecordToolCallAsync(state.Id, record, CancellationToken.None);
        await request.Observer.OnToolCallAsync(record, cancellationToken);
        return result;
    }

    private static async Task<(ToolCallOutcome, string)> InvokeAsync(IAgentTool tool, JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        try
        {
            var result = await tool.InvokeAsync(arguments, context, cancellationToken);
            var content = result.Untrusted ? UntrustedContent.Wrap($"tool:{tool.Name}", result.Content) : result.Content;
            return result.IsError ? (ToolCallOutcome.Failed, "error: " + content) : (ToolCallOutcome.Succeeded, content);
        }
        catch (ToolArgumentException ex)
        {
            return (ToolCallOutcome.InvalidArguments, $"error: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (ToolCallOutcome.Failed, $"error: the tool failed: {ex.Message}");
        }
    }

    /// <summary>Mutable bookkeeping of one run in flight.</summary>
    private sealed class RunState(AgentRunRequest request, RunId id)
    {
        private int _seq;

        public AgentRunRequest Request { get; } = request;
        public RunId Id { get; } = id;
        public RunUsage Usage { get; set; } = RunUsage.Zero;

        public int NextSeq() => ++_seq;

        public Task TranscriptAsync(IRunStore store, TimeProvider clock, string role, string content) =>
            store.AppendTranscriptAsync(Id, new TranscriptEntry(NextSeq(), role, content, clock.GetUtcNow()), CancellationToken.None);
    }
}
