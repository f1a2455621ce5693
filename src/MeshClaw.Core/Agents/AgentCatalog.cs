namespace MeshClaw.Core.Agents;

/// <summary>The agents found in a folder, and the files that failed to load with their errors.</summary>
public sealed class AgentCatalog
{
    private readonly Dictionary<string, AgentDefinition> _agents;

    private AgentCatalog(Dictionary<string, AgentDefinition> agents, IReadOnlyList<AgentFileError> errors)
    {
        _agents = agents;
        Errors = errors;
    }

    public IReadOnlyCollection<AgentDefinition> Agents => _agents.Values;
    public IReadOnlyList<AgentFileError> Errors { get; }

    public AgentDefinition? Find(string name) => _agents.GetValueOrDefault(name);

    /// <summary>Loads every <c>*.md</c> file in the folder; a bad file is reported and skipped, never fatal.</summary>
    public static AgentCatalog Load(string folder)
    {
        var agents = new Dictionary<string, AgentDefinition>(StringComparer.Ordinal);
        var errors = new List<AgentFileError>();
        if (!Directory.Exists(folder))
        {
            return new AgentCatalog(agents, errors);
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.md").Order(StringComparer.Ordinal))
        {
            AgentLoadResult result;
            try
            {
                result = AgentFileParser.Parse(file, File.ReadAllText(file));
            }
            catch (IOException ex)
            {
                errors.Add(new AgentFileError(file, 1, "file", $"cannot be read: {ex.Message}"));
                continue;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The parser reports what it knows with its line; anything it did not foresee still stops at this file.
                errors.Add(new AgentFileError(file, 1, "file", $"could not be parsed: {ex.Message}"));
                continue;
            }

            errors.AddRange(result.Errors);
            if (result.Agent is not { } agent)
            {
                continue;
            }

            if (agents.TryGetValue(agent.Name, out var first))
            {
                errors.Add(new AgentFileError(file, 2, "name", $"agent '{agent.Name}' is already defined in {first.SourcePath}"));
                continue;
            }

            agents[agent.Name] = agent;
        }

        return new AgentCatalog(agents, errors);
    }
}
