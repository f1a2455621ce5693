using System.Text.Json;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Home;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>
/// Base of the tools that change MeshClaw itself by editing a file in the home folder (an agent file,
/// config.json). The edit is validated before it lands, written atomically, and undone by restoring the
/// file's previous content, as it was when the call ran.
/// </summary>
public abstract class HomeFileEditTool(MeshClawHome home) : IAgentTool
{
    public abstract string Name { get; }
    public abstract string Capability { get; }
    public ToolRisk Risk => ToolRisk.ChangesMeshClaw;
    public abstract string Description { get; }
    public abstract JsonElement ParametersSchema { get; }

    protected MeshClawHome Home => home;

    /// <summary>The file (relative to the home folder) and its new, validated content; throws ToolArgumentException when invalid.</summary>
    protected abstract (string File, string Content) Edit(JsonElement arguments);

    /// <summary>What this particular change is: by default it changes MeshClaw (asked); a change that only tightens may be an ordinary reversible write.</summary>
    protected virtual ToolRisk Assess(JsonElement arguments, string previous, string next) => Risk;

    /// <summary>Why no agent may make this change at all, decided from the arguments alone (before the edit is even worked out); null otherwise.</summary>
    protected virtual string? Refusal(JsonElement arguments) => null;

    public async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        if (Refusal(arguments) is { } refusal)
        {
            return new ToolCallPlan(Risk) { Forbidden = refusal };
        }

        var (file, content) = Edit(arguments);
        var path = Path.Combine(home.Root, file);
        var existed = File.Exists(path);
        var previous = existed ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        return new ToolCallPlan(Assess(arguments, previous, content))
        {
            Target = file,
            Inverse = new ToolInverse("restore_home_file", JsonSerializer.SerializeToElement(new { file, content = previous, existed })),
        };
    }

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (file, content) = Edit(arguments);
        var path = Path.Combine(home.Root, file);
        // The inverse is what this call really replaces: the file may have been edited since the call was planned.
        var existed = File.Exists(path);
        var previous = existed ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        await HomeFiles.WriteAsync(path, content, cancellationToken);
        return new ToolResult($"updated {file}")
        {
            Inverse = new ToolInverse("restore_home_file", JsonSerializer.SerializeToElement(new { file, content = previous, existed })),
        };
    }

    public async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (file, content) = Edit(arguments);
        var path = Path.Combine(home.Root, file);
        return File.Exists(path) && await File.ReadAllTextAsync(path, cancellationToken) == content ? ReconcileOutcome.Done : ReconcileOutcome.NotDone;
    }
}
