package io.infinispark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class DevicePolicyTest {
  private static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of("gpu", new ResourceInformation("gpu", addresses));
  }

  @Test
  void autoTakesTheGpuSparkAssignedToTheTaskAndOtherwiseTheCpu() {
    assertEquals(Device.gpu(3), DevicePolicy.AUTO.choose(gpus("3"), 4));
    assertEquals(Device.gpu(1), DevicePolicy.AUTO.choose(gpus(" 1 ", "2"), 4));
    assertEquals(Device.cpu(), DevicePolicy.AUTO.choose(Map.of()));
    assertEquals(Device.cpu(), DevicePolicy.AUTO.choose(null));
    assertEquals(Device.cpu(), DevicePolicy.AUTO.choose(gpus()));
  }

  @Test
  void aGpuSlotThisLibtorchCannotUseReadsOnTheCpuUnlessGpuIsDemanded() {
    assertEquals(Device.cpu(), DevicePolicy.AUTO.choose(gpus("1"), 0));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> DevicePolicy.GPU.choose(gpus("1"), 0));
    assertTrue(e.getMessage().contains("sees no GPU"), e.getMessage());
    assertEquals("1", DevicePolicy.address(gpus(" 1 ", "2")));
    assertEquals(null, DevicePolicy.address(Map.of()));
  }

  @Test
  void outsideSparkTheFirstVisibleGpuOrTheCpu() {
    assertEquals(Device.gpu(0), DevicePolicy.AUTO.forThisProcess(2));
    assertEquals(Device.cpu(), DevicePolicy.AUTO.forThisProcess(0));
    assertEquals(Device.cpu(), DevicePolicy.CPU.forThisProcess(2));
    assertEquals(Device.gpu(0), DevicePolicy.GPU.forThisProcess(1));
    assertTrue(
        assertThrows(IllegalStateException.class, () -> DevicePolicy.GPU.forThisProcess(0))
            .getMessage()
            .contains("sees no GPU"));
  }

  @Test
  void cpuNeverUsesAGpuAndGpuInsistsOnOne() {
    assertEquals(Device.cpu(), DevicePolicy.CPU.choose(gpus("0")));
    assertEquals(Device.gpu(0), DevicePolicy.GPU.choose(gpus("0"), 1));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> DevicePolicy.GPU.choose(Map.of()));
    assertTrue(e.getMessage().contains("spark.executor.resource.gpu.amount"), e.getMessage());
  }

  @Test
  void aGpuAddressThatIsNoOrdinalAndAnUnknownPolicyAreNamed() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> DevicePolicy.AUTO.choose(gpus("GPU-5f2a"), 1));
    assertTrue(e.getMessage().contains("'GPU-5f2a'"), e.getMessage());
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> DevicePolicy.parse("tpu"));
    assertEquals("unknown device 'tpu': use auto, cpu or gpu", bad.getMessage());
    assertEquals(DevicePolicy.GPU, DevicePolicy.parse("GPU"));
  }

  @Test
  void autoLanesAreSixtyFourOnGpuTasksAndOneOtherwiseUnlessSet() {
    RecurOptions auto = RecurOptions.defaults();
    assertEquals(RecurOptions.GPU_LANES, auto.resolveLanes(true));
    assertEquals(1, auto.resolveLanes(false));
    assertEquals(1, new RecurOptions(0, 0, DevicePolicy.CPU, "float32").resolveLanes(true));
    assertEquals(8, auto.withLanes(8).resolveLanes(true));
  }
}
