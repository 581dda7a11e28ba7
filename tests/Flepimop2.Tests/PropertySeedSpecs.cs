using System.Reflection;
using Flepimop2.Tests.Support;
using FsCheck.Xunit;

namespace Flepimop2.Tests;

/// <summary>The property tests check the same cases in every CI run: a red run is a regression, never chance.</summary>
public sealed class PropertySeedSpecs
{
    [Fact]
    public void Every_property_test_takes_its_cases_from_the_fixed_seed()
    {
        var properties = typeof(PropertySeedSpecs).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetCustomAttributes<PropertyAttribute>(inherit: true).Select(a => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: a)))
            .ToList();

        Assert.True(properties.Count >= 15, $"{properties.Count} properties found");
        Assert.All(properties, p => Assert.True(p.Attribute is SeededPropertyAttribute, $"{p.Method} is a [Property] without the fixed seed; use [SeededProperty]"));
        Assert.Empty(typeof(PropertySeedSpecs).Assembly.GetCustomAttributes<PropertiesAttribute>());
    }

    [Fact]
    public void The_fixed_seed_is_one_fscheck_takes()
    {
        var random = PropertySearch.Parse(PropertySearch.FixedSeed);

        Assert.Equal(PropertySearch.FixedSeed, random.ToString());
    }
}
