package dev.packbert.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product's packages follow the data's path, and a layer never imports one above it: shared
 * stage plumbing (ml) ← text ← pack ← mask ← model ← weights ← engines ← spark ← job. The bench is
 * a module of its own above all of them, so nothing here can import it.
 */
class LayeringTest {
  private static JavaClasses product;

  @BeforeAll
  static void importProduct() {
    product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.packbert");
  }

  @Test
  void noLayerImportsOneAboveIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("ml")
        .definedBy("dev.packbert.ml..")
        .layer("text")
        .definedBy("dev.packbert.text..")
        .layer("pack")
        .definedBy("dev.packbert.pack..")
        .layer("mask")
        .definedBy("dev.packbert.mask..")
        .layer("model")
        .definedBy("dev.packbert.model..")
        .layer("weights")
        .definedBy("dev.packbert.weights..")
        .layer("engine")
        .definedBy("dev.packbert.engine..")
        .layer("spark")
        .definedBy("dev.packbert.spark..")
        .layer("job")
        .definedBy("dev.packbert.job..")
        .whereLayer("job")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("spark")
        .mayOnlyBeAccessedByLayers("job")
        .whereLayer("engine")
        .mayOnlyBeAccessedByLayers("spark", "job")
        .whereLayer("weights")
        .mayOnlyBeAccessedByLayers("engine", "spark", "job")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("weights", "engine", "spark", "job")
        .whereLayer("mask")
        .mayOnlyBeAccessedByLayers("model", "weights", "engine", "spark", "job")
        .whereLayer("pack")
        .mayOnlyBeAccessedByLayers("mask", "model", "weights", "engine", "spark", "job")
        .whereLayer("text")
        .mayOnlyBeAccessedByLayers("pack", "mask", "model", "weights", "engine", "spark", "job")
        .check(product);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.packbert.(*)..").should().beFreeOfCycles().check(product);
  }

  @Test
  void theTwoEnginesDoNotKnowEachOther() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.packbert.engine.tensorflow..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.packbert.engine.onnx..")
        .check(product);
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.packbert.engine.onnx..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.packbert.engine.tensorflow..")
        .check(product);
  }
}
