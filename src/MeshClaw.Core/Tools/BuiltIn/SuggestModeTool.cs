using System.Text.Json;

namespace MeshClaw.Core.Tools.BuiltIn;

/// <summary>
/// Puts the calling run into suggest mode, for when the user's own words say "don't act until I say so": from then on
/// every change is a proposal the user approves. It is run state, not prompt text, so trimming the conversation, a
/// sub-agent or a restart cannot lose it, and nothing in the run can switch it off again.
/// </summary>
public sealed class SuggestModeTool : IRestrainingTool
{
    public string Name => "enter_suggest_mode";
    public string Capability => "run.suggest";
    public ToolRisk Risk => ToolRisk.Read;
    public string Description => "Puts this run into suggest mode when the user asks you not to act yet: every change you make afterwards is shown to the user as a proposal to approve. It cannot be undone within the run.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{},"additionalProperties":false}
        """).RootElement;

    public Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        if (context.Security is not { } security)
        {
            return Task.FromResult(ToolResult.Error("suggest mode needs a run"));
        }

        security.EnterSuggestMode();
        return Task.FromResult(new ToolResult("This run is now in suggest mode: every change will be proposed to the user for approval, and it stays so until the run ends."));
    }
}
