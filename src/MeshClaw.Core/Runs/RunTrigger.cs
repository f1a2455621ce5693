namespace MeshClaw.Core.Runs;

/// <summary>What started a run: <c>cli</c>, <c>chat</c>, <c>api</c>, <c>schedule</c> or an event name, and its source detail.</summary>
public sealed record RunTrigger(string Kind, string? Detail = null)
{
    public override string ToString() => Detail is null ? Kind : $"{Kind}:{Detail}";
}
