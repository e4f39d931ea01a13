#include "app/cli.hpp"

int main(int argc, char** argv) {
  return onshi::app::Main(argc, argv);
}
