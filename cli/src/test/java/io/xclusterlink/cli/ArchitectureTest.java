package io.xclusterlink.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout rules of ARCHITECTURE.md as tests, over every module's main classes (the CLI's test
 * class path holds them all): modules depend downward only, no package takes part in a cycle, and
 * the gateway never depends on a Kubernetes client (the store interface is the seam).
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.xclusterlink");
  }

  @Test
  void noPackageTakesPartInACycle() {
    slices().matching("io.xclusterlink.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void modulesDependOnlyOnTheModulesBelowThem() {
    noClasses()
        .that()
        .resideInAPackage("io.xclusterlink.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.xclusterlink.pki..",
            "io.xclusterlink.policy..",
            "io.xclusterlink.store..",
            "io.xclusterlink.admin..",
            "io.xclusterlink.gateway..",
            "io.xclusterlink.cli..",
            "io.netty..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("io.xclusterlink.policy..", "io.xclusterlink.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.xclusterlink.admin..",
            "io.xclusterlink.gateway..",
            "io.xclusterlink.cli..",
            "io.netty..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("io.xclusterlink.pki..", "io.xclusterlink.admin..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.xclusterlink.gateway..", "io.xclusterlink.cli..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.xclusterlink.gateway..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.xclusterlink.cli..")
        .check(classes);
  }

  @Test
  void theL3AgentStandsApartFromTheServicePath() {
    noClasses()
        .that()
        .resideInAPackage("io.xclusterlink.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.xclusterlink.gateway..",
            "io.xclusterlink.admin..",
            "io.xclusterlink.cli..",
            "io.fabric8..")
        .check(classes);
  }

  @Test
  void theGatewayDoesNotDependOnAKubernetesClient() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.xclusterlink.gateway..",
            "io.xclusterlink.store..",
            "io.xclusterlink.admin..",
            "io.xclusterlink.policy..",
            "io.xclusterlink.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..")
        .check(classes);
  }
}
