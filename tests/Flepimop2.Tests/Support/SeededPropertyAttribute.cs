using FsCheck.Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Flepimop2.Tests.Support;

/// <summary>
/// An FsCheck property whose cases come from <see cref="PropertySearch"/>: the fixed seed in CI (the same cases every run),
/// another seed and more cases when FLEPIMOP2_PROPERTY_SEED and FLEPIMOP2_PROPERTY_RUNS say. Every property of the tests
/// uses it (a test holds them to that), so that no CI run can go red by chance. Each carries the trait
/// <c>Category=Property</c>, which <c>scripts/properties.sh</c> selects them by.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[TraitDiscoverer("Flepimop2.Tests.Support.SeededPropertyAttribute+Discoverer", "Flepimop2.Tests")]
public sealed class SeededPropertyAttribute : PropertyAttribute, ITraitAttribute
{
    /// <summary>FsCheck's own default count of cases.</summary>
    private const int DefaultCases = 100;

    public SeededPropertyAttribute()
    {
        Replay = PropertySearch.Seed;
        base.MaxTest = PropertySearch.Scale(DefaultCases);
    }

    /// <summary>The count of cases a CI run checks; FLEPIMOP2_PROPERTY_RUNS times as many outside CI.</summary>
    public new int MaxTest
    {
        get => base.MaxTest;
        set => base.MaxTest = PropertySearch.Scale(value);
    }

    /// <summary>Gives every seeded property the trait <c>Category=Property</c>.</summary>
    public sealed class Discoverer : ITraitDiscoverer
    {
        public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute) => [new("Category", "Property")];
    }
}
