using System.Text.Json;

namespace MeshClaw.Core.Tools;

/// <summary>
/// A tool an agent may be granted. Each declares its capability and risk class so the gate can decide on it
/// without knowing what it does.
/// </summary>
public interface IAgentTool
{
    /// <summary>The function name the model sees (letters, digits, '_' and '-').</summary>
    string Name { get; }
    /// <summary>The dotted permission it needs, e.g. <c>files.read</c>.</summary>
    string Capability { get; }
    /// <summary>The tool's risk class; <see cref="PrepareAsync"/> may raise or lower it for particular arguments.</summary>
    ToolRisk Risk { get; }
    string Description { get; }
    /// <summary>JSON schema of the arguments object.</summary>
    JsonElement ParametersSchema { get; }

    /// <summary>Works out what the call would do before the gate decides on it; must not change anything.</summary>
    Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ToolCallPlan(Risk));

    Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken);

    /// <summary>After a crash between intent and result: did the journaled call take effect? Unknown by default.</summary>
    Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ReconcileOutcome.Unknown);

    /// <summary>
    /// After a crash between intent and result: what took effect, with the inverse of that part, found by looking at the
    /// target. Tools whose actions can half happen (a batch) override it; by default it is <see cref="ReconcileAsync"/>.
    /// </summary>
    async Task<Reconciliation> ReconcileActionAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        new(await ReconcileAsync(arguments, context, cancellationToken));
}
