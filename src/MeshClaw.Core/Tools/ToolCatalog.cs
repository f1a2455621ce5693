namespace MeshClaw.Core.Tools;

/// <summary>All tools MeshClaw knows, and which of them an agent's grants cover.</summary>
public sealed class ToolCatalog(IEnumerable<IAgentTool> tools)
{
    private readonly Dictionary<string, IAgentTool> _byName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<IAgentTool> All => _byName.Values;

    public IAgentTool? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The tools a list of grants covers; a grant names a tool, a capability, or a capability family (<c>files.*</c>).</summary>
    /// <remarks>An agent that may change anything also holds the tools that only restrain it (suggest mode), without a grant.</remarks>
    public IReadOnlyList<IAgentTool> Granted(IReadOnlyList<string> grants)
    {
        var granted = _byName.Values.Where(t => t is not IRestrainingTool && IsGranted(t, grants)).ToList();
        if (granted.Any(t => t.Risk != ToolRisk.Read))
        {
            granted.AddRange(_byName.Values.OfType<IRestrainingTool>());
        }

        return [.. granted.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>Grants that match no known tool or capability: almost always a typo in an agent file.</summary>
    public IReadOnlyList<string> UnknownGrants(IReadOnlyList<string> grants) =>
        [.. grants.Where(g => !_byName.Values.Any(t => Covers(g, t)))];

    public static bool IsGranted(IAgentTool tool, IReadOnlyList<string> grants) => tool is IRestrainingTool || grants.Any(g => Covers(g, tool));

    private static bool Covers(string grant, IAgentTool tool) =>
        grant == tool.Name
        || grant == tool.Capability
        || (grant.EndsWith(".*", StringComparison.Ordinal) && tool.Capability.StartsWith(grant[..^1], StringComparison.Ordinal));
}
